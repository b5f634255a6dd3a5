// What the Bun.serve wrapper's tests share: a `ws` client, a Bun.serve of our own around `websocketHandlers`
// (marking when Bun is inside its `message` callback), the stalled-client echo that checks backpressure, and the
// flood of a stalled server that checks the 1008 policy.
import { expect } from "bun:test";
import { once } from "node:events";
import { within } from "@framed/core/testing";
import WebSocket from "ws";
import {
  type BunServerWebSocket,
  type BunWebSocketData,
  type BunWebSocketStream,
  websocketHandlers,
} from "../../src/bun.ts";

export const open = async (url: string): Promise<WebSocket> => {
  const client = new WebSocket(url);
  await within(once(client, "open"), 5000, "the ws client to open");
  return client;
};

export const closeOf = (client: WebSocket): Promise<{ code: number; reason: string }> =>
  within(
    new Promise<{ code: number; reason: string }>((resolve) =>
      client.once("close", (code, reason) => resolve({ code, reason: String(reason) })),
    ),
    5000,
    "the ws client to close",
  );

/** A Bun.serve with `websocketHandlers`, so a test sees Bun's socket next to the stream; `inside.now` is true while Bun runs `message`. */
export function ownServer(
  onStream: Parameters<typeof websocketHandlers>[0],
  options: Parameters<typeof websocketHandlers>[1],
  inside: { now: boolean } = { now: false },
) {
  const handlers = websocketHandlers(onStream, options);
  const message = handlers.message;
  handlers.message = (ws, data) => {
    inside.now = true;
    try {
      message(ws, data);
    } finally {
      inside.now = false;
    }
  };
  return Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (request, server) =>
      server.upgrade(request, { data: {} }) ? undefined : new Response("upgrade", { status: 426 }),
    websocket: handlers as unknown as Bun.WebSocketHandler<BunWebSocketData>,
  });
}

/**
 * Echo `count` 64 KiB messages through a `consume` handler to a client that stopped reading, then let it read:
 * the handler (`reply`'s result is what it returns) must stall against the paused client with Bun's buffer
 * near `writableHighWaterMark`, and every echo must arrive once the client reads again.
 */
export async function echoToStalledClient(
  reply: (stream: BunWebSocketStream, received: string | Uint8Array) => unknown,
  count: number,
): Promise<void> {
  const highWaterMark = 256 * 1024;
  const message = new Uint8Array(64 * 1024).fill(count & 0xff);
  let maxBuffered = 0;
  let handled = 0;
  const server = ownServer(
    (stream, ws: BunServerWebSocket<BunWebSocketData>) => {
      void stream.consume((received) => {
        handled++;
        const result = reply(stream, received);
        maxBuffered = Math.max(maxBuffered, ws.getBufferedAmount());
        return result;
      });
    },
    { writableHighWaterMark: highWaterMark, maxQueuedBytes: 32 * 1024 * 1024 },
  );
  const client = await open(`ws://127.0.0.1:${server.port}/`);
  client.pause();
  for (let i = 0; i < count; i++) client.send(message);
  // Bounded wait for the handler to stall against the paused client.
  let last = -1;
  for (let i = 0; i < 200 && handled !== last; i++) {
    last = handled;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(handled).toBeLessThan(count);
  expect(maxBuffered).toBeLessThanOrEqual(highWaterMark + message.length);
  let received = 0;
  const all = within(
    new Promise<void>((resolve) => client.on("message", () => ++received === count && resolve())),
    10_000,
    "every echo",
  );
  client.resume();
  await all;
  expect(handled).toBe(count);
  expect(maxBuffered).toBeLessThanOrEqual(highWaterMark + message.length);
  client.terminate();
  server.stop(true);
}

/**
 * A server whose `onStream` stalls its reader, with 100 KiB of `maxQueuedBytes`: a client sends 40 messages of
 * 10 KiB (Bun reads them all, as it cannot pause) and must see the 1008 policy close.
 */
export async function overflowStalledServer(onStream: Parameters<typeof websocketHandlers>[0]) {
  const server = ownServer(onStream, { maxQueuedBytes: 100 * 1024, readableHighWaterMark: 1 });
  const client = await open(`ws://127.0.0.1:${server.port}/`);
  const closed = closeOf(client);
  const chunk = new Uint8Array(10 * 1024);
  for (let i = 0; i < 40; i++) client.send(chunk);
  expect((await closed).code).toBe(1008);
  return server;
}
