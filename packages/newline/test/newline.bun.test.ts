// @framed/newline in the real Bun runtime: text and NDJSON echo over Bun's own sockets and over node:net.
import { expect, test } from "bun:test";
import type { MessageStream } from "@framed/core";
import * as viaBun from "../src/bun.ts";
import * as viaNode from "../src/node.ts";

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

for (const [name, entry] of [
  ["Bun sockets (./bun)", viaBun],
  ["node:net (./node)", viaNode],
] as const) {
  test(`${name}: an echo returns every line in order, a 70 kB one too`, async () => {
    const server = await entry.listen({ port: 0 }, async (stream) => {
      for await (const line of stream) await stream.send(line);
    });
    const client = await entry.connect({ port: server.address.port });
    const sent = Array.from({ length: 1000 }, (_, i) => (i % 2 ? `bun ${i}` : `bün ✓ ${i}`));
    sent.push("", "z".repeat(70_000));
    const received = take(client, sent.length);
    for (const line of sent) await client.send(line);
    expect(await received).toEqual(sent);
    await client.close();
    await server.close();
  });

  test(`${name}: jsonLines echoes JSON values`, async () => {
    const server = await entry.jsonLines.listen({ port: 0 }, async (stream) => {
      for await (const value of stream) await stream.send(value);
    });
    const client = await entry.jsonLines.connect({ port: server.address.port });
    const sent = [{ a: 1 }, [1, "two", null], "text", 42, { nested: { deep: true } }];
    const received = take(client, sent.length);
    for (const value of sent) await client.send(value);
    expect(await received).toEqual(sent);
    await client.close();
    await server.close();
  });

  test(`${name}: a line over maxMessageSize fails only that connection with MESSAGE_TOO_LARGE`, async () => {
    const errors: unknown[] = [];
    const server = await entry.listen(
      { port: 0 },
      async (stream) => {
        try {
          for await (const line of stream) await stream.send(line);
        } catch (error) {
          errors.push(error);
        }
      },
      { maxMessageSize: 100 },
    );
    const good = await entry.connect({ port: server.address.port });
    const bad = await entry.connect({ port: server.address.port });
    await bad.send("y".repeat(500));
    await bad.closed;
    expect(errors.map((e) => (e as { code?: string }).code)).toEqual(["MESSAGE_TOO_LARGE"]);
    await good.send("still here");
    expect(await take(good, 1)).toEqual(["still here"]);
    await good.close();
    await server.close();
  });
}
