// @framed/newline/deno in the real Deno runtime: TCP echo for text and NDJSON, bad input isolation.
import assert from "node:assert/strict";
import type { MessageStream } from "@framed/core";
import { decodeChunks } from "@framed/core/testing";
import { connect, jsonLines, listen, newline } from "../src/deno.ts";

async function take<T>(stream: MessageStream<T>, count: number): Promise<T[]> {
  const out: T[] = [];
  const iterator = stream[Symbol.asyncIterator]();
  while (out.length < count) {
    const next = await iterator.next();
    if (next.done) break;
    out.push(next.value);
  }
  return out;
}

Deno.test("Deno: the sans-I/O codec joins a CRLF and a UTF-8 character split across chunks", () => {
  const bytes = new TextEncoder().encode("é\r\n😀\r\n");
  const chunks = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
  assert.deepEqual(decodeChunks(newline(), chunks).messages, ["é", "😀"]);
});

Deno.test("Deno TCP: a connect/listen echo returns every line in order", async () => {
  const server = await listen({ port: 0 }, async (stream) => {
    for await (const line of stream) await stream.send(line);
  });
  const client = await connect({ port: server.address.port });
  const sent = Array.from({ length: 1000 }, (_, i) => (i % 2 ? `deno ${i}` : `dénø ✓ ${i}`));
  sent.push("", "z".repeat(70_000));
  const received = take(client, sent.length);
  for (const line of sent) await client.send(line);
  assert.deepEqual(await received, sent);
  await client.close();
  await server.close();
});

Deno.test("Deno TCP: jsonLines echoes JSON values", async () => {
  const server = await jsonLines.listen({ port: 0 }, async (stream) => {
    for await (const value of stream) await stream.send(value);
  });
  const client = await jsonLines.connect({ port: server.address.port });
  const values = [{ id: 1, ok: true }, [1, "two"], null, "line\nbreak"];
  for (const value of values) await client.send(value);
  assert.deepEqual(await take(client, values.length), values);
  await client.close();
  await server.close();
});

Deno.test("Deno TCP: an oversized line closes only its own connection", async () => {
  const failures: unknown[] = [];
  const server = await listen(
    { port: 0 },
    async (stream) => {
      try {
        for await (const line of stream) await stream.send(line);
      } catch (error) {
        failures.push(error);
      }
    },
    { maxMessageSize: 32 },
  );
  const victim = await connect({ port: server.address.port });
  const bystander = await connect({ port: server.address.port });
  await victim.send("ok");
  await victim.send("x".repeat(500));
  assert.deepEqual(await take(victim, 3), ["ok"]);
  await victim.closed;
  assert.equal(failures.length, 1);
  assert.equal((failures[0] as { code: string }).code, "MESSAGE_TOO_LARGE");
  await bystander.send("still fine");
  assert.deepEqual(await take(bystander, 1), ["still fine"]);
  await bystander.close();
  await server.close();
});
