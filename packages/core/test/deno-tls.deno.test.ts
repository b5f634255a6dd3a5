// @framed/core/deno over TLS (Deno.listenTls / Deno.connectTls) in the real Deno runtime.

import { connect, listen } from "../src/deno.ts";
import { FramedError } from "../src/errors.ts";
import { check, checkEqual } from "./fixtures/check.ts";
import { roundTrip } from "./fixtures/round-trip.ts";
import { tinyFraming } from "./fixtures/tiny-framing.ts";

/** The committed self-signed certificate for localhost and 127.0.0.1 (see test-support/tls/README.md). */
async function localhostCertificate(): Promise<{ cert: string; key: string }> {
  const fixture = (name: string) => Deno.readTextFile(new URL(`../../../test-support/tls/${name}`, import.meta.url));
  return { cert: await fixture("localhost.cert.pem"), key: await fixture("localhost.key.pem") };
}

async function tlsEchoServer(tls: { cert: string; key: string }) {
  return await listen(
    { port: 0 },
    tinyFraming(),
    async (stream) => {
      for await (const message of stream) await stream.send(message);
    },
    { tls },
  );
}

Deno.test("Deno TLS: listen and connect with tls carry every message both ways", async () => {
  const { cert, key } = await localhostCertificate();
  const server = await tlsEchoServer({ cert, key });
  try {
    const client = await connect({ port: server.address.port }, tinyFraming(), { tls: { caCerts: [cert] } });
    const sent = Array.from({ length: 200 }, (_, i) => `secret ${i}`);
    checkEqual(await roundTrip(client, sent), sent, "echoed over TLS");
    await client.closed;
  } finally {
    await server.close();
  }
});

Deno.test("Deno TLS: a client that does not trust the certificate fails connect with CONNECT_FAILED; others carry on", async () => {
  const { cert, key } = await localhostCertificate();
  const server = await tlsEchoServer({ cert, key });
  try {
    const port = server.address.port;
    const refused = await connect({ port }, tinyFraming(), { tls: true }).catch((error: unknown) => error);
    check(refused instanceof FramedError, `expected a FramedError, got ${refused}`);
    checkEqual((refused as FramedError).code, "CONNECT_FAILED", "code");
    const message = (refused as FramedError).message;
    check(message.includes(`127.0.0.1:${port} over TLS:`), `the error names the address and TLS: ${message}`);

    const trusted = await connect({ port }, tinyFraming(), { tls: { caCerts: [cert] } });
    await trusted.send("still here");
    checkEqual((await trusted[Symbol.asyncIterator]().next()).value, "still here", "served after a refused client");
    await trusted.close();
  } finally {
    await server.close();
  }
});

Deno.test("Deno TLS: a plain TCP client never becomes a stream of a TLS listener", async () => {
  const { cert, key } = await localhostCertificate();
  let accepted = 0;
  const server = await listen(
    { port: 0 },
    tinyFraming(),
    () => {
      accepted++;
    },
    { tls: { cert, key } },
  );
  try {
    const plain = await Deno.connect({ hostname: "127.0.0.1", port: server.address.port });
    // A tiny-framing frame where a TLS ClientHello belongs (its first byte is no TLS record type): the
    // handshake fails and the connection closes.
    const text = new TextEncoder().encode("hello, not a TLS handshake");
    await plain.write(Uint8Array.of(text.length, ...text));
    let timer: number | undefined;
    const timedOut = new Promise<"timed out">((resolve) => {
      timer = setTimeout(() => resolve("timed out"), 5000);
    });
    const read = await Promise.race([plain.read(new Uint8Array(64)).catch(() => null), timedOut]);
    clearTimeout(timer);
    plain.close();
    check(read !== "timed out", "the server answers with an alert or closes within 5 s");
    checkEqual(accepted, 0, "handler calls");
    checkEqual(server.streams.size, 0, "streams");
  } finally {
    await server.close();
  }
});
