// What a FramedStream tells synchronously about itself, on a real Node socket: readyState through the close,
// and bufferedAmount for bytes sent and not yet taken by the kernel.
import { afterEach, describe, expect, it } from "vitest";
import type { FramedStream } from "../src/index.ts";
import { connect, listen, type NodeListener } from "../src/node.ts";
import { tinyFraming } from "./fixtures/tiny-framing.ts";

const listeners: NodeListener<string>[] = [];
afterEach(async () => {
  await Promise.all(listeners.splice(0).map((listener) => listener.close()));
});

async function echoPair() {
  const listener = await listen({ port: 0 }, tinyFraming(), async (stream) => {
    for await (const message of stream) await stream.send(message);
  });
  listeners.push(listener);
  const client = (await connect({ port: listener.address.port }, tinyFraming())) as FramedStream<string>;
  return client;
}

describe("stream state", () => {
  it("bufferedAmount counts this tick's sends until they reach the kernel, then drops to 0", async () => {
    const client = await echoPair();
    expect(client.bufferedAmount).toBe(0);
    for (let i = 0; i < 100; i++) client.send("x".repeat(200));
    expect(client.bufferedAmount).toBe(100 * 201);
    const iterator = client[Symbol.asyncIterator]();
    for (let i = 0; i < 100; i++) await iterator.next();
    expect(client.bufferedAmount).toBe(0);
    await client.close();
  });

  it("readyState is open, closing once close() began, closed once the transport is gone", async () => {
    const client = await echoPair();
    expect(client.readyState).toBe("open");
    const closing = client.close();
    expect(client.readyState).toBe("closing");
    await closing;
    expect(client.readyState).toBe("closed");
  });
});
