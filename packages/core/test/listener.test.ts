// StreamRegistry: the open-stream bookkeeping every listen() shares.
import { describe, expect, it } from "vitest";
import type { CloseInfo, MessageStream } from "../src/index.ts";
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
  it("drops core's streams from the set when they close, without waiting for closed", async () => {
    const registry = new StreamRegistry<string>();
    const { client, server } = streamPair(tinyFraming());
    registry.accept(server, () => {}, undefined);
    expect(registry.streams.has(server)).toBe(true);
    await client.close();
    await server.close();
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
});
