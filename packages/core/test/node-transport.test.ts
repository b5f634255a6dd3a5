// The Node transport against real TCP sockets and child-process pipes.
import { spawn } from "node:child_process";
import * as net from "node:net";
import { Duplex } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { FramedError } from "../src/errors.ts";
import { childProcess, connect, listen, type NodeListener, nodeStreamTransport, wrap } from "../src/node.ts";
import { WriteSlab } from "../src/write-slab.ts";
import { roundTrip } from "./fixtures/round-trip.ts";
import { tinyFraming } from "./fixtures/tiny-framing.ts";

const listeners: NodeListener<string>[] = [];
afterEach(async () => {
  await Promise.all(listeners.splice(0).map((l) => l.close()));
});

async function echoServer(maxMessageSize?: number) {
  const listener = await listen({ port: 0 }, tinyFraming({ maxMessageSize }), async (stream) => {
    for await (const message of stream) await stream.send(message);
  });
  listeners.push(listener);
  return listener;
}

async function rawConnect(port: number): Promise<net.Socket> {
  const socket = net.connect({ host: "127.0.0.1", port });
  await new Promise((resolve) => socket.once("connect", resolve));
  return socket;
}

describe("Node TCP transport", () => {
  it("a connect/listen echo returns every message in order", async () => {
    const server = await echoServer();
    const client = await connect({ port: server.address.port }, tinyFraming());
    const sent = Array.from({ length: 500 }, (_, i) => `message ${i}`);
    expect(await roundTrip(client, sent)).toEqual(sent);
    expect(server.address.host).toBe("127.0.0.1");
  });

  it("sends made in one tick leave in a single socket write", async () => {
    const server = await echoServer();
    const socket = await rawConnect(server.address.port);
    const writes: number[] = [];
    const original = socket.write.bind(socket);
    socket.write = ((chunk: Uint8Array, ...rest: never[]) => {
      writes.push(chunk.length);
      return original(chunk, ...rest);
    }) as typeof socket.write;
    const stream = wrap(socket, tinyFraming());
    for (let i = 0; i < 100; i++) stream.send("0123456789");
    const received: string[] = [];
    for await (const m of stream) {
      received.push(m);
      if (received.length === 100) break;
    }
    expect(writes).toEqual([100 * 11]);
  });

  it("bad input closes only the offending connection; another connection carries on", async () => {
    const server = await echoServer(16);
    const good = await connect({ port: server.address.port }, tinyFraming());
    const bad = await rawConnect(server.address.port);
    const badClosed = new Promise((resolve) => bad.once("close", resolve));
    bad.write(Uint8Array.of(2, 104, 105, 200));
    bad.on("error", () => {});
    const echoedBeforeError: number[] = [];
    bad.on("data", (chunk) => echoedBeforeError.push(...chunk));
    await badClosed;
    expect(echoedBeforeError).toEqual([2, 104, 105]);
    await good.send("still here");
    const { value } = await good[Symbol.asyncIterator]().next();
    expect(value).toBe("still here");
    await good.close();
  });

  it("a reset socket ends the stream with CONNECTION_RESET, once", async () => {
    let serverSide: Promise<unknown> | undefined;
    const listener = await listen({ port: 0 }, tinyFraming(), (stream) => {
      serverSide = (async () => {
        try {
          for await (const _ of stream);
        } catch (error) {
          return error;
        }
      })();
    });
    listeners.push(listener);
    const socket = await rawConnect(listener.address.port);
    socket.write(Uint8Array.of(5, 1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    socket.resetAndDestroy();
    const error = await serverSide;
    expect(error).toBeInstanceOf(FramedError);
    expect((error as FramedError).code).toBe("CONNECTION_RESET");
  });

  it("connect to a closed port rejects with CONNECT_FAILED naming the address", async () => {
    const server = await echoServer();
    const port = server.address.port;
    await server.close();
    listeners.length = 0;
    await expect(connect({ port }, tinyFraming())).rejects.toMatchObject({
      code: "CONNECT_FAILED",
      message: expect.stringContaining(`127.0.0.1:${port}`),
    });
  });

  it("listener.close() closes open streams and resolves when they are done", async () => {
    const server = await echoServer();
    const client = await connect({ port: server.address.port }, tinyFraming());
    const received: string[] = [];
    const reading = (async () => {
      for await (const m of client) received.push(m);
    })();
    await client.send("x");
    await expect.poll(() => received).toEqual(["x"]);
    expect(server.streams.size).toBe(1);
    await server.close();
    listeners.length = 0;
    expect(server.streams.size).toBe(0);
    await reading;
    expect((await client.closed).initiator).toBe("remote");
  });

  it("a handler that throws aborts its own stream only and is reported", async () => {
    const reported: unknown[] = [];
    const listener = await listen(
      { port: 0 },
      tinyFraming(),
      async (stream) => {
        for await (const m of stream) {
          if (m === "boom") throw new Error("handler bug");
          await stream.send(m);
        }
      },
      { onHandlerError: (error) => reported.push(error) },
    );
    listeners.push(listener);
    const victim = await connect({ port: listener.address.port }, tinyFraming());
    const other = await connect({ port: listener.address.port }, tinyFraming());
    await victim.send("boom");
    await victim.closed;
    await other.send("ok");
    expect((await other[Symbol.asyncIterator]().next()).value).toBe("ok");
    expect(reported).toHaveLength(1);
    await other.close();
  });

  it("a backlogged stream gets copies of small slab frames, never views that would pin the shared slab", async () => {
    const written: Uint8Array[] = [];
    const done: (() => void)[] = [];
    // Calls back only when told: until then it is backlogged, like a socket whose peer stopped reading.
    const output = new Duplex({
      read() {},
      write: (chunk, _encoding, callback) => {
        written.push(chunk);
        done.push(callback);
      },
    });
    const transport = nodeStreamTransport(output, output);
    transport.start({ receive() {}, receiveEnd() {}, drained() {}, transportClosed() {} });
    const slab = new WriteSlab();
    const sendInPlace = (bytes: number[]) => {
      const at = slab.reserve(bytes.length);
      slab.bytes.set(bytes, at);
      transport.writeSlab?.(slab, bytes.length);
      return slab.buffer;
    };
    const tick = () => new Promise((resolve) => setImmediate(resolve));
    const first = sendInPlace([1, 2, 3]);
    await tick();
    expect(written[0].buffer).toBe(first); // nothing queued yet: the slab's own bytes go out, uncopied
    const second = sendInPlace([4, 5, 6]);
    await tick();
    done[0](); // the peer reads: the queued write reaches the stream
    await tick();
    expect([...written[1]]).toEqual([4, 5, 6]);
    expect(written[1].buffer).not.toBe(second);
  });

  it("the transport of a socket turns Nagle's delay off, once: it coalesces writes itself", async () => {
    const listener = await echoServer();
    const socket = await rawConnect(listener.address.port);
    const calls: unknown[] = [];
    const setNoDelay = socket.setNoDelay.bind(socket);
    socket.setNoDelay = (noDelay?: boolean) => {
      calls.push(noDelay);
      return setNoDelay(noDelay);
    };
    nodeStreamTransport(socket, socket);
    expect(calls).toEqual([true]);
    socket.destroy();
  });

  it("childProcess frames a child's stdin/stdout", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", fileURLToPath(new URL("./fixtures/tiny-echo-child.ts", import.meta.url))],
      {
        stdio: ["pipe", "pipe", "inherit"],
      },
    );
    const stream = childProcess(child, tinyFraming());
    await stream.send("hello");
    await stream.send("world");
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toBe("HELLO");
    expect((await iterator.next()).value).toBe("WORLD");
    await stream.close();
    const code = await new Promise((resolve) => child.once("exit", resolve));
    expect(code).toBe(0);
  });
});
