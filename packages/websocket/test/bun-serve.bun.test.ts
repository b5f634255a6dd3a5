// @framed/websocket/bun's native-server wrapper (Bun.serve) in the real Bun runtime, with Node's `ws` as the
// client: echo, close codes, send that waits under backpressure, the bounded queue for a slow reader, and the
// Autobahn-category cases.
import { describe, expect, test } from "bun:test";
import { within } from "@framed/core/testing";
import WebSocket from "ws";
import { type BunServerWebSocket, type BunWebSocketData, serve } from "../src/bun.ts";
import { RawClient } from "./node/helpers.ts";
import { AUTOBAHN_SERVER_OPTIONS, type AutobahnServer, autobahnCases } from "./shared/autobahn-cases.ts";
import { closeOf, echoToStalledClient, open, overflowStalledServer, ownServer } from "./shared/bun-serve-client.bun.ts";

test("Bun.serve wrapper: echoes text and binary to a ws client through one MessageStream, and reports its close", async () => {
  const closes: unknown[] = [];
  const server = await serve({ port: 0 }, async (stream) => {
    for await (const message of stream) await stream.send(message);
    const info = await stream.closed;
    closes.push({ code: info.code, reason: info.reason, initiator: info.initiator });
  });
  const client = await open(server.url);
  const replies: unknown[] = [];
  client.on("message", (data, isBinary) => replies.push(isBinary ? [...(data as Buffer)] : String(data)));
  client.send("hello bun");
  client.send(Uint8Array.of(9, 8, 7));
  client.send("x".repeat(100_000));
  for (let i = 0; i < 500 && replies.length < 3; i++) await new Promise((resolve) => setTimeout(resolve, 2));
  expect(replies).toEqual(["hello bun", [9, 8, 7], "x".repeat(100_000)]);
  const closed = closeOf(client);
  client.close(4100, "client done");
  expect(await closed).toEqual({ code: 4100, reason: "client done" });
  for (let i = 0; i < 100 && closes.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(closes).toEqual([{ code: 4100, reason: "client done", initiator: "remote" }]);
  await server.close();
});

test("Bun.serve wrapper: a server-side close reaches the client with its code and reason; close() sends 1001", async () => {
  const server = await serve({ port: 0 }, async (stream) => {
    for await (const message of stream) {
      if (message === "close please") await stream.close({ code: 4002, reason: "as asked" });
    }
  });
  const asked = await open(server.url);
  const askedClose = closeOf(asked);
  asked.send("close please");
  expect(await askedClose).toEqual({ code: 4002, reason: "as asked" });
  const idle = await open(server.url);
  const idleClose = closeOf(idle);
  await server.close();
  expect((await idleClose).code).toBe(1001);
});

test("Bun.serve wrapper: messages sent without waiting just before close() all reach the client before the close", async () => {
  const server = await serve({ port: 0 }, (stream) => {
    for (let i = 0; i < 5; i++) stream.send(`last words ${i}`);
    void stream.close({ code: 4003, reason: "said it all" });
  });
  const client = new WebSocket(server.url);
  const received: string[] = [];
  client.on("message", (data) => received.push(String(data)));
  expect(await closeOf(client)).toEqual({ code: 4003, reason: "said it all" });
  expect(received).toEqual([0, 1, 2, 3, 4].map((i) => `last words ${i}`));
  await server.close();
});

test("Bun.serve wrapper: a plain HTTP request gets 426", async () => {
  const server = await serve({ port: 0 }, () => {});
  const response = await fetch(`http://127.0.0.1:${server.address.port}/`);
  expect(response.status).toBe(426);
  await server.close();
});

test("Bun.serve wrapper: a message over maxMessageSize closes that connection with 1009", async () => {
  const server = await serve(
    { port: 0 },
    async (stream) => {
      for await (const message of stream) await stream.send(message);
    },
    { maxMessageSize: 1000 },
  );
  const client = await open(server.url);
  const closed = closeOf(client);
  client.send("y".repeat(1001));
  expect((await closed).code).toBe(1009);
  await server.close();
});

test("Bun.serve wrapper: send waits under backpressure, so Bun's buffer for a paused client stays near writableHighWaterMark", async () => {
  const highWaterMark = 256 * 1024;
  const message = new Uint8Array(64 * 1024).fill(3);
  const count = 300; // 19 MiB: far more than the loopback socket buffers hold
  let maxBuffered = 0;
  let sent = 0;
  const server = ownServer(
    async (stream, ws: BunServerWebSocket<BunWebSocketData>) => {
      for (let i = 0; i < count; i++) {
        await stream.send(message);
        sent++;
        maxBuffered = Math.max(maxBuffered, ws.getBufferedAmount());
      }
    },
    { writableHighWaterMark: highWaterMark },
  );
  const client = await open(`ws://127.0.0.1:${server.port}/`);
  client.pause();
  // Bounded wait for the sender to stall against the paused client.
  let last = -1;
  for (let i = 0; i < 200 && sent !== last; i++) {
    last = sent;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(sent).toBeLessThan(count);
  let received = 0;
  const all = within(
    new Promise<void>((resolve) => client.on("message", () => ++received === count && resolve())),
    10_000,
    "every message",
  );
  client.resume();
  await all;
  expect(sent).toBe(count);
  expect(maxBuffered).toBeLessThanOrEqual(highWaterMark + message.length);
  client.terminate();
  server.stop(true);
});

test("Bun.serve wrapper: replies sent while Bun handles the read also wait under backpressure, so Bun's buffer stays near writableHighWaterMark", async () => {
  // The echo the bench measures, written as an async handler that awaits each send.
  await echoToStalledClient(async (stream, received) => {
    await stream.send(received);
  }, 300);
});

test("Bun.serve wrapper: sends from outside Bun's read (a timer) and replies inside it keep their order", async () => {
  const server = ownServer((stream) => {
    void stream.consume((received) => {
      // Held for the end of the turn: the reply below must not overtake it.
      setTimeout(() => {
        void stream.send(`timer ${received}`);
        void stream.send(`timer+ ${received}`);
      }, 0);
      return stream.send(`reply ${received}`);
    });
  }, {});
  const client = await open(`ws://127.0.0.1:${server.port}/`);
  const received: string[] = [];
  client.on("message", (data) => received.push(String(data)));
  client.send("1");
  for (let i = 0; i < 500 && received.length < 3; i++) await new Promise((resolve) => setTimeout(resolve, 2));
  client.send("2");
  for (let i = 0; i < 500 && received.length < 6; i++) await new Promise((resolve) => setTimeout(resolve, 2));
  expect(received).toEqual(["reply 1", "timer 1", "timer+ 1", "reply 2", "timer 2", "timer+ 2"]);
  client.terminate();
  server.stop(true);
});

test("Bun.serve wrapper: a reader that stops reading gets the held messages, then POLICY_VIOLATION; the peer sees 1008", async () => {
  let reader: Promise<{ received: number; error: unknown }> | undefined;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const server = await overflowStalledServer((stream) => {
    reader = (async () => {
      let received = 0;
      try {
        for await (const _ of stream) {
          // The reader stalls after the first message until the test lets it go.
          if (++received === 1) await released;
        }
        return { received, error: undefined };
      } catch (error) {
        return { received, error };
      }
    })();
  });
  release();
  const outcome = await within(reader!, 5000, "the reader");
  expect((outcome.error as { code?: string }).code).toBe("POLICY_VIOLATION");
  // The first, the one in the stream's own queue, and the ten held (100 KiB) all reach the reader.
  expect(outcome.received).toBeGreaterThanOrEqual(10);
  expect(outcome.received).toBeLessThan(40);
  server.stop(true);
});

// Bun validates a fragmented text message's UTF-8 once the message is complete (closing with 1007 then), not
// as the bad fragment arrives: that one case is framed's own core's (`listen`), and is left out here.
const FAIL_FAST_UTF8 = "fails invalid UTF-8 with 1007 as soon as the bad fragment arrives, before the message ends";

describe("Bun.serve wrapper: the Autobahn-category cases hold (Bun frames), and other connections never notice", async () => {
  const listener = await serve(
    { port: 0 },
    async (stream) => {
      try {
        for await (const message of stream) await stream.send(message);
      } catch {
        // Reported through closed.
      }
    },
    { maxMessageSize: AUTOBAHN_SERVER_OPTIONS.maxMessageSize, deflate: AUTOBAHN_SERVER_OPTIONS.deflate },
  );
  const healthy = await open(listener.url);
  const server: AutobahnServer = {
    open: (options) => RawClient.open(listener.address.port, options),
    healthyStillEchoes: async () => {
      const reply = new Promise<string>((resolve) => healthy.once("message", (data) => resolve(String(data))));
      healthy.send("still here");
      expect(await within(reply, 5000, "healthy echo")).toBe("still here");
    },
  };
  for (const entry of autobahnCases.filter((candidate) => candidate.name !== FAIL_FAST_UTF8)) {
    test(`${entry.category}: ${entry.name}`, () => entry.run(server));
  }
  test("(the server closes)", async () => {
    healthy.terminate();
    await listener.close();
  });
});
