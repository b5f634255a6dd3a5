// The Bun.serve wrapper runs a `consume` handler inside Bun's `message` callback (its transport declares
// `deliversOneByOne`), as a bare Bun echo does, so the reply goes into the cork uWebSockets holds for the read.
// These check that and that nothing else changed: order, backpressure, the 1008 policy, handler errors.
import { expect, test } from "bun:test";
import { within } from "@framed/core/testing";
import { serve } from "../src/bun.ts";
import { closeOf, echoToStalledClient, open, overflowStalledServer, ownServer } from "./shared/bun-serve-client.bun.ts";

const until = async (done: () => boolean) => {
  for (let i = 0; i < 1000 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
};

test("Bun.serve wrapper: a consume handler runs inside Bun's message callback, so its reply is sent inside the read", async () => {
  const inside = { now: false };
  const seen: boolean[] = [];
  const server = ownServer(
    (stream) => {
      void stream.consume((message) => {
        seen.push(inside.now);
        return stream.send(message);
      });
    },
    {},
    inside,
  );
  const client = await open(`ws://127.0.0.1:${server.port}/`);
  const replies: string[] = [];
  client.on("message", (data) => replies.push(String(data)));
  for (let i = 0; i < 5; i++) client.send(`m${i}`);
  await until(() => replies.length === 5);
  expect(replies).toEqual(["m0", "m1", "m2", "m3", "m4"]);
  expect(seen).toEqual([true, true, true, true, true]);
  client.terminate();
  server.stop(true);
});

test("Bun.serve wrapper: replies keep the messages' order when some handler calls wait and others reply at once", async () => {
  const server = ownServer((stream) => {
    void stream.consume((message) => {
      const n = Number(message);
      if (n % 3 !== 0) return stream.send(`re ${n}`);
      // Every third waits a timer before replying: the messages after it wait for it.
      return new Promise<void>((resolve) => setTimeout(() => resolve(stream.send(`re ${n}`)), 1));
    });
  }, {});
  const client = await open(`ws://127.0.0.1:${server.port}/`);
  const replies: string[] = [];
  client.on("message", (data) => replies.push(String(data)));
  const count = 30;
  for (let i = 0; i < count; i++) client.send(String(i));
  await until(() => replies.length === count);
  expect(replies).toEqual(Array.from({ length: count }, (_, i) => `re ${i}`));
  client.terminate();
  server.stop(true);
});

test("Bun.serve wrapper: a handler returning send still waits under backpressure, so Bun's buffer stays near writableHighWaterMark", async () => {
  await echoToStalledClient((stream, received) => stream.send(received), 200);
});

test("Bun.serve wrapper: a consume handler that stalls gets the messages before the overflow, then POLICY_VIOLATION; the peer sees 1008", async () => {
  let consumed: Promise<unknown> | undefined;
  let handled = 0;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const server = await overflowStalledServer((stream) => {
    consumed = stream.consume(() => {
      // The first call stalls until the test lets it go; Bun keeps reading meanwhile.
      if (++handled === 1) return released;
    });
  });
  expect(handled).toBe(1);
  release();
  const error = await within(
    consumed!.then(
      () => undefined,
      (failure: unknown) => failure,
    ),
    5000,
    "consume to settle",
  );
  expect((error as { code?: string }).code).toBe("POLICY_VIOLATION");
  // The stalled one, the one in the stream's queue and the ten held (100 KiB) all reach the handler.
  expect(handled).toBeGreaterThanOrEqual(10);
  expect(handled).toBeLessThan(40);
  server.stop(true);
});

test("Bun.serve wrapper: a handler that throws inside Bun's callback is reported to onHandlerError; earlier replies still went out", async () => {
  const reported: unknown[] = [];
  const server = await serve(
    { port: 0 },
    (stream) =>
      stream.consume((message) => {
        if (message === "boom") throw new Error("handler bug");
        return stream.send(`re ${message}`);
      }),
    { onHandlerError: (error) => reported.push((error as Error).message) },
  );
  const client = await open(server.url);
  const replies: string[] = [];
  client.on("message", (data) => replies.push(String(data)));
  const closed = closeOf(client);
  client.send("a");
  client.send("b");
  client.send("boom");
  await closed;
  await until(() => reported.length > 0);
  expect(replies).toEqual(["re a", "re b"]);
  expect(reported).toEqual(["handler bug"]);
  await server.close();
});
