// @framed/core in the real Deno runtime: MessageStream semantics and Deno TCP.

import { connect, listen } from "../src/deno.ts";
import { FramedError } from "../src/errors.ts";
import { nativeBuffer } from "../src/native-buffer.ts";
import { encodeUtf8 } from "../src/utf8.ts";
import { check, checkEqual } from "./fixtures/check.ts";
import { roundTrip } from "./fixtures/round-trip.ts";
import { streamSemantics } from "./fixtures/stream-semantics.ts";
import { tinyFraming } from "./fixtures/tiny-framing.ts";

for (const semanticsCase of streamSemantics) {
  Deno.test(`MessageStream semantics (Deno): ${semanticsCase.name}`, semanticsCase.run);
}

Deno.test("Deno TCP: a connect/listen echo returns every message in order", async () => {
  const server = await listen({ port: 0 }, tinyFraming(), async (stream) => {
    for await (const message of stream) await stream.send(message);
  });
  const client = await connect({ port: server.address.port }, tinyFraming());
  const sent = Array.from({ length: 300 }, (_, i) => `deno ${i}`);
  checkEqual(await roundTrip(client, sent), sent, "echoed");
  await client.closed;
  await server.close();
});

Deno.test("Deno TCP: bad input fails only that connection with MESSAGE_TOO_LARGE", async () => {
  const errors: unknown[] = [];
  const server = await listen({ port: 0 }, tinyFraming({ maxMessageSize: 8 }), async (stream) => {
    try {
      for await (const message of stream) await stream.send(message);
    } catch (error) {
      errors.push(error);
    }
  });
  const good = await connect({ port: server.address.port }, tinyFraming());
  const raw = await Deno.connect({ hostname: "127.0.0.1", port: server.address.port });
  await raw.write(Uint8Array.of(1, 65, 100));
  const buffer = new Uint8Array(16);
  let echoed = 0;
  while (true) {
    const n = await raw.read(buffer);
    if (n === null) break;
    echoed += n;
  }
  raw.close();
  checkEqual(echoed, 2, "the message before the bad header was echoed");
  check(
    errors[0] instanceof FramedError && errors[0].code === "MESSAGE_TOO_LARGE",
    `server error: ${String(errors[0])}`,
  );
  await good.send("fine");
  const { value } = await good[Symbol.asyncIterator]().next();
  checkEqual(value, "fine", "other connection unaffected");
  await good.close();
  await server.close();
});

Deno.test("Deno TCP: connect to a closed port rejects with CONNECT_FAILED", async () => {
  const server = await listen({ port: 0 }, tinyFraming(), () => {});
  const port = server.address.port;
  await server.close();
  let failure: unknown;
  try {
    await connect({ port }, tinyFraming());
  } catch (error) {
    failure = error;
  }
  check(failure instanceof FramedError && failure.code === "CONNECT_FAILED", `got ${String(failure)}`);
});

Deno.test("Deno's Buffer polyfill is not taken for Node's: long strings are encoded with TextEncoder", () => {
  check(nativeBuffer === undefined, "no native Buffer on Deno");
  const text = `${"a".repeat(40_000)}é€😀`;
  checkEqual([...encodeUtf8(text)], [...new TextEncoder().encode(text)], "the UTF-8 bytes");
});
