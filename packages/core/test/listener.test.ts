// StreamRegistry: the open-stream bookkeeping every listen() shares.
import { describe, expect, it, vi } from "vitest";
import type { CloseInfo, Connection, FramedError, MessageStream } from "../src/index.ts";
import { StreamRegistry } from "../src/listener.ts";
import { streamPair } from "../src/testing/stream-pair.ts";
import { tinyFraming } from "./fixtures/tiny-framing.ts";

/** A MessageStream that only has the interface: no watchClose, so the registry must use `closed`. */
function plainStream(): { stream: MessageStream<string>; close: (info: CloseInfo) => void } {
  let close!: (info: CloseInfo) => void;
  const closed = new Promise<CloseInfo>((resolve) => {
    close = resolve;
  });
  const stream = {
    framing: "plain",
    closed,
    send: async () => {},
    close: () => closed,
    abort: () => close({ initiator: "local" }),
    onWarning: () => () => {},
    readable: new ReadableStream<string>(),
    writable: new WritableStream<string>(),
    async *[Symbol.asyncIterator]() {},
  } as unknown as MessageStream<string>;
  return { stream, close };
}

describe("StreamRegistry", () => {
  it("drops core's streams from the set the moment their transport closes, without subscribing to closed", async () => {
    const registry = new StreamRegistry<string>();
    const { client, server } = streamPair(tinyFraming());
    const stream = server as Connection<string>;
    // Count reads of `closed` during accept: the fallback path subscribes through it, the fast path never does.
    const closedGetter = vi.spyOn(stream, "closed", "get");
    registry.accept(server, () => {}, undefined);
    expect(closedGetter).not.toHaveBeenCalled();
    closedGetter.mockRestore();
    expect(registry.streams.has(server)).toBe(true);
    // Still tracked or not, checked synchronously when the transport reports its close, before any promise
    // reaction could run: only a direct report (watchClose) has removed it by then.
    let trackedAtClose: boolean | undefined;
    const reportClose = stream.transportClosed.bind(stream);
    stream.transportClosed = (error?: unknown) => {
      reportClose(error);
      trackedAtClose ??= registry.streams.has(server);
    };
    server.abort();
    await client.closed;
    await server.closed;
    expect(trackedAtClose).toBe(false);
    expect(registry.streams.size).toBe(0);
  });

  it("drops other MessageStreams through their closed promise", async () => {
    const registry = new StreamRegistry<string>();
    const { stream, close } = plainStream();
    registry.accept(stream, () => {}, undefined);
    expect(registry.streams.has(stream)).toBe(true);
    close({ initiator: "remote" });
    await stream.closed;
    await Promise.resolve();
    expect(registry.streams.size).toBe(0);
  });

  it("aborts the stream of a handler that throws or rejects and reports the error", async () => {
    const reported: unknown[] = [];
    const registry = new StreamRegistry<string>({ onHandlerError: (error) => reported.push(error) });
    const first = streamPair(tinyFraming());
    const second = streamPair(tinyFraming());
    registry.accept(
      first.server,
      () => {
        throw new Error("sync bug");
      },
      undefined,
    );
    registry.accept(second.server, async () => Promise.reject(new Error("async bug")), undefined);
    expect((await first.server.closed).initiator).toBe("local");
    expect((await second.server.closed).initiator).toBe("local");
    expect(reported.map((error) => (error as Error).message)).toEqual(["sync bug", "async bug"]);
    expect(registry.streams.size).toBe(0);
  });

  it("watches a handler's own consume promise without subscribing to it until it rejects", async () => {
    const reported: unknown[] = [];
    const registry = new StreamRegistry<string>({ onHandlerError: (error) => reported.push(error) });
    const { client, server } = streamPair(tinyFraming());
    let subscriptions: { mock: { calls: unknown[] } } | undefined;
    registry.accept(
      server,
      (stream) => {
        const consumed = stream.consume(() => {
          throw new Error("handler bug");
        });
        subscriptions = vi.spyOn(consumed, "then");
        return consumed;
      },
      undefined,
    );
    expect(subscriptions?.mock.calls.length).toBe(0);
    await client.send("boom");
    expect((await server.closed).initiator).toBe("local");
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(subscriptions?.mock.calls.length).toBe(1);
    expect(reported.map((error) => (error as Error).message)).toEqual(["handler bug"]);
    expect(registry.streams.size).toBe(0);
  });

  it("a consume promise that rejects with the stream's own error is handled and reported once, with its code", async () => {
    const reported: unknown[] = [];
    const registry = new StreamRegistry<string>({ onHandlerError: (error) => reported.push(error) });
    const { clientEnd, server } = streamPair(tinyFraming({ maxMessageSize: 3 }));
    const rejections: unknown[] = [];
    registry.accept(server, (stream) => stream.consume(() => {}), undefined);
    const onUnhandled = (reason: unknown) => rejections.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      clientEnd.write(Uint8Array.of(8, 1, 2, 3, 4, 5, 6, 7, 8));
      expect((await server.closed).error?.code).toBe("MESSAGE_TOO_LARGE");
      await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
    expect(rejections).toEqual([]);
    expect(reported.map((error) => (error as FramedError).code)).toEqual(["MESSAGE_TOO_LARGE"]);
    expect(registry.streams.size).toBe(0);
  });

  it("by default a failed handler is logged in one line naming the framing and the error's code", async () => {
    const logged: unknown[][] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void logged.push(args));
    try {
      const registry = new StreamRegistry<string>();
      const { clientEnd, server } = streamPair(tinyFraming({ maxMessageSize: 3 }));
      registry.accept(server, (stream) => stream.consume(() => {}), undefined);
      clientEnd.write(Uint8Array.of(8, 1, 2, 3, 4, 5, 6, 7, 8));
      await server.closed;
      await new Promise((resolve) => setTimeout(resolve, 0));
    } finally {
      spy.mockRestore();
    }
    expect(logged).toHaveLength(1);
    expect(logged[0][0]).toBe("framed: a tiny stream's handler failed:");
    expect(logged[0][1]).toMatch(/^MESSAGE_TOO_LARGE: /);
  });

  it("a handler that fails because its stream was already closed (CLOSED) is not reported", async () => {
    const reported: unknown[] = [];
    const registry = new StreamRegistry<string>({ onHandlerError: (error) => reported.push(error) });
    const { server } = streamPair(tinyFraming());
    registry.accept(
      server,
      async (stream) => {
        await stream.close();
        await stream.send("too late");
      },
      undefined,
    );
    await server.closed;
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(reported).toEqual([]);
  });

  it("onHandlerError gets the stream whose handler failed", async () => {
    const streams: unknown[] = [];
    const registry = new StreamRegistry<string>({ onHandlerError: (_error, stream) => streams.push(stream) });
    const { server } = streamPair(tinyFraming());
    registry.accept(
      server,
      () => {
        throw new Error("bug");
      },
      undefined,
    );
    await server.closed;
    expect(streams).toEqual([server]);
  });
});
