// @framed/core in the real Bun runtime: MessageStream semantics, and TCP through the Node entry (node:net).
import { expect, test } from "bun:test";
import { FramedError } from "../src/errors.ts";
import { connect, listen } from "../src/node.ts";
import { roundTrip } from "./fixtures/round-trip.ts";
import { streamSemantics } from "./fixtures/stream-semantics.ts";
import { tinyFraming } from "./fixtures/tiny-framing.ts";

for (const semanticsCase of streamSemantics) {
  test(`MessageStream semantics (Bun): ${semanticsCase.name}`, semanticsCase.run);
}

test("Bun over node:net: a connect/listen echo returns every message in order", async () => {
  const server = await listen({ port: 0 }, tinyFraming(), async (stream) => {
    for await (const message of stream) await stream.send(message);
  });
  const client = await connect({ port: server.address.port }, tinyFraming());
  const sent = Array.from({ length: 300 }, (_, i) => `bun ${i}`);
  expect(await roundTrip(client, sent)).toEqual(sent);
  await client.closed;
  await server.close();
});

test("Bun over node:net: connect to a closed port rejects with CONNECT_FAILED", async () => {
  const server = await listen({ port: 0 }, tinyFraming(), () => {});
  const port = server.address.port;
  await server.close();
  const failure = await connect({ port }, tinyFraming()).catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(FramedError);
  expect((failure as FramedError).code).toBe("CONNECT_FAILED");
});
