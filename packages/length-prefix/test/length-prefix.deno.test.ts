// @framed/length-prefix in the real Deno runtime: a Deno TCP echo, and bad input isolated to its connection.
import assert from "node:assert/strict";
import { checkConformance } from "@framed/core/testing";
import { connect, lengthPrefix, listen } from "../src/deno.ts";

Deno.test("length-prefix conformance kit passes under Deno (varint and uint32be)", () => {
  const messages = [new Uint8Array(0), Uint8Array.of(1, 2, 3), new Uint8Array(150).fill(5)];
  checkConformance({ framing: lengthPrefix({ header: "varint" }), messages }, { numRuns: 50 });
  checkConformance({ framing: lengthPrefix(), messages }, { numRuns: 50 });
});

Deno.test("a Deno TCP echo returns every length-prefixed message in order", async () => {
  const server = await listen(
    { port: 0 },
    async (stream) => {
      for await (const message of stream) await stream.send(message);
    },
    { header: "varint" },
  );
  const client = await connect({ port: server.address.port }, { header: "varint" });
  const sent = Array.from({ length: 200 }, (_, i) => new Uint8Array(i * 37).fill(i));
  for (const message of sent) client.send(message);
  const received: Uint8Array[] = [];
  for await (const message of client) {
    received.push(message);
    if (received.length === sent.length) break;
  }
  assert.deepEqual(
    received.map((m) => m.length),
    sent.map((m) => m.length),
  );
  assert.deepEqual(received[199], sent[199]);
  await client.closed;
  await server.close();
});

Deno.test("an over-limit length closes only that Deno connection with MESSAGE_TOO_LARGE", async () => {
  const errors: unknown[] = [];
  const server = await listen(
    { port: 0 },
    async (stream) => {
      try {
        for await (const message of stream) await stream.send(message);
      } catch (error) {
        errors.push(error);
      }
    },
    { maxMessageSize: 16 },
  );
  const good = await connect({ port: server.address.port });
  const raw = await Deno.connect({ hostname: "127.0.0.1", port: server.address.port });
  await raw.write(Uint8Array.of(0, 0, 0, 1, 9, 0, 0, 0, 17));
  const echoed: number[] = [];
  const buffer = new Uint8Array(64);
  for (let n = await raw.read(buffer); n !== null; n = await raw.read(buffer)) echoed.push(...buffer.subarray(0, n));
  raw.close();
  assert.deepEqual(echoed, [0, 0, 0, 1, 9]);
  assert.equal((errors[0] as { code: string }).code, "MESSAGE_TOO_LARGE");
  await good.send(Uint8Array.of(1));
  assert.deepEqual((await good[Symbol.asyncIterator]().next()).value, Uint8Array.of(1));
  await good.close();
  await server.close();
});

Deno.test("a Deno handler that never reads stops reading its connection once 1 MiB of messages wait, not after 1024 of them", async () => {
  type Inside = { readableBytes: number };
  let idle: Inside | undefined;
  const server = await listen({ port: 0 }, (stream) => {
    idle = stream as unknown as Inside; // never read
  });
  const client = await connect({ port: server.address.port });
  const message = new Uint8Array(64 * 1024);
  // 8 MiB: 128 messages, far under the 1024 messages that used to pause.
  for (let i = 0; i < 128; i++) client.send(message).catch(() => {});
  const mark = 1024 * 1024;
  for (let i = 0; i < 500 && (idle?.readableBytes ?? 0) < mark; i++)
    await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok((idle?.readableBytes ?? 0) >= mark, "the server stream filled its queue to the mark");
  // The mark, plus the message that crossed it and the rest of the read it came in.
  const bound = 1024 * 1024 + 3 * 64 * 1024;
  for (let i = 0; i < 20; i++) {
    assert.ok((idle?.readableBytes ?? 0) <= bound, `${idle?.readableBytes} bytes queued`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.ok((idle?.readableBytes ?? 0) >= 1024 * 1024);
  client.abort();
  await client.closed;
  // A paused Deno stream does not read, so it would see the client's end only at closeTimeout: drop it.
  (idle as unknown as { abort(): void }).abort();
  await server.close();
});
