// framed's own WebSocket client on Bun's own sockets (@framed/websocket/bun `connect`) in the real Bun runtime:
// wss: to a self-signed server, and each way a connection fails (refusal, closed port, untrusted certificate).
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { FramedError } from "@framed/core";
import { connect, listen } from "../src/bun.ts";

const fixture = (name: string) => readFileSync(new URL(`../../../test-support/tls/${name}`, import.meta.url), "utf8");
const tls = { cert: fixture("localhost.cert.pem"), key: fixture("localhost.key.pem") };

const echo = (options: Parameters<typeof listen>[2]) =>
  listen(
    { port: 0 },
    async (stream) => {
      for await (const message of stream) await stream.send(message);
    },
    options,
  );

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as FramedError,
  );

test("Bun connect: wss: to a server whose certificate it is told to trust carries messages both ways, deflate on", async () => {
  const server = await echo({ tls, deflate: true });
  const stream = await connect(server.url.replace("127.0.0.1", "localhost"), { ca: tls.cert });
  expect(stream.extensions).toContain("permessage-deflate");
  const big = "compress me ".repeat(10_000);
  await stream.send("over TLS");
  await stream.send(big);
  const iterator = stream[Symbol.asyncIterator]();
  expect((await iterator.next()).value).toBe("over TLS");
  expect((await iterator.next()).value).toBe(big);
  expect((await stream.close({ code: 4000, reason: "done" })).code).toBe(4000);
  await server.close();
});

test("Bun connect: an untrusted certificate fails with CONNECT_FAILED; a refusal with HANDSHAKE_FAILED and its status", async () => {
  const secure = await echo({ tls });
  const untrusted = await failure(connect(secure.url));
  expect(untrusted?.code).toBe("CONNECT_FAILED");
  await secure.close();
  const guarded = await echo({ verify: () => ({ status: 403, reason: "not you" }) });
  const refused = await failure(connect(guarded.url));
  expect([refused?.code, refused?.status]).toEqual(["HANDSHAKE_FAILED", 403]);
  const port = guarded.address.port;
  await guarded.close();
  const closed = await failure(connect(`ws://127.0.0.1:${port}/`));
  expect(closed).toBeInstanceOf(FramedError);
  expect(closed?.code).toBe("CONNECT_FAILED");
});
