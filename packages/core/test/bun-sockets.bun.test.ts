// @framed/core/bun (Bun.listen / Bun.connect, plain and TLS) in the real Bun runtime.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import * as net from "node:net";
import { connect, listen } from "../src/bun.ts";
import { FramedError } from "../src/errors.ts";
import type { MessageStream } from "../src/message-stream.ts";
import { roundTrip } from "./fixtures/round-trip.ts";
import { tinyFraming } from "./fixtures/tiny-framing.ts";

const echo = async (stream: MessageStream<string>) => {
  for await (const message of stream) await stream.send(message);
};

/** The committed self-signed certificate for localhost and 127.0.0.1 (see test-support/tls/README.md). */
const fixture = (name: string) => readFileSync(new URL(`../../../test-support/tls/${name}`, import.meta.url), "utf8");
const certificate = { cert: fixture("localhost.cert.pem"), key: fixture("localhost.key.pem") };

test("Bun sockets: a connect/listen echo returns every message in order", async () => {
  const server = await listen({ port: 0 }, tinyFraming(), echo);
  const client = await connect({ port: server.address.port }, tinyFraming());
  const sent = Array.from({ length: 300 }, (_, i) => `bun ${i}`);
  expect(await roundTrip(client, sent)).toEqual(sent);
  await client.closed;
  await server.close();
});

test("Bun sockets: megabytes through a slow reader arrive whole, the writer waiting on drain", async () => {
  const server = await listen({ port: 0 }, tinyFraming(), echo);
  const client = await connect({ port: server.address.port }, tinyFraming(), { writableHighWaterMark: 16 * 1024 });
  const big = "x".repeat(240);
  const sent = Array.from({ length: 20_000 }, (_, i) => `${i}${big}`);
  let sends = 0;
  const sending = (async () => {
    for (const message of sent) {
      await client.send(message);
      sends++;
    }
  })();
  const received: string[] = [];
  for await (const message of client) {
    received.push(message);
    // A slow start: the reader sits still while the writer fills every buffer on the way.
    if (received.length === 1) await new Promise((resolve) => setTimeout(resolve, 50));
    if (received.length === sent.length) break;
  }
  await sending;
  expect(sends).toBe(sent.length);
  expect(received).toEqual(sent);
  await server.close();
});

test("Bun sockets: bad input fails only that connection with MESSAGE_TOO_LARGE", async () => {
  const errors: unknown[] = [];
  const server = await listen({ port: 0 }, tinyFraming({ maxMessageSize: 8 }), async (stream) => {
    try {
      await echo(stream);
    } catch (error) {
      errors.push(error);
    }
  });
  const good = await connect({ port: server.address.port }, tinyFraming());
  const echoed = await new Promise<number>((resolve) => {
    let count = 0;
    const raw = net.connect(server.address.port, "127.0.0.1", () => raw.write(Uint8Array.of(1, 65, 100)));
    raw.on("data", (chunk) => (count += chunk.length));
    raw.on("close", () => resolve(count));
  });
  expect(echoed).toBe(2);
  expect(errors[0]).toBeInstanceOf(FramedError);
  expect((errors[0] as FramedError).code).toBe("MESSAGE_TOO_LARGE");
  await good.send("fine");
  expect((await good[Symbol.asyncIterator]().next()).value).toBe("fine");
  await good.close();
  await server.close();
});

test("Bun sockets: a peer that ends its side still gets the replies (half-open)", async () => {
  const server = await listen({ port: 0 }, tinyFraming(), async (stream) => {
    for await (const message of stream) {
      // Long enough for the socket to have read the client's end: a socket that is not half-open is gone.
      await new Promise((resolve) => setTimeout(resolve, 30));
      await stream.send(`got ${message}`);
    }
  });
  const reply = await new Promise<string>((resolve) => {
    const chunks: Buffer[] = [];
    const raw = net.connect({ port: server.address.port, host: "127.0.0.1", allowHalfOpen: true }, () => {
      raw.end(Uint8Array.of(1, 97, 1, 98));
    });
    raw.on("data", (chunk) => chunks.push(chunk));
    raw.on("close", () => resolve(Buffer.concat(chunks).toString("latin1")));
  });
  expect(reply).toBe("\x05got a\x05got b");
  await server.close();
});

test("Bun sockets: connect to a closed port rejects with CONNECT_FAILED", async () => {
  const server = await listen({ port: 0 }, tinyFraming(), () => {});
  const port = server.address.port;
  await server.close();
  const failure = await connect({ port }, tinyFraming()).catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(FramedError);
  expect((failure as FramedError).code).toBe("CONNECT_FAILED");
});

test("Bun TLS: listen and connect with tls carry every message both ways", async () => {
  const server = await listen({ port: 0 }, tinyFraming(), echo, { tls: certificate });
  const client = await connect({ port: server.address.port }, tinyFraming(), { tls: { ca: certificate.cert } });
  const sent = Array.from({ length: 200 }, (_, i) => `secret ${i}`);
  expect(await roundTrip(client, sent)).toEqual(sent);
  await client.closed;
  await server.close();
});

test("Bun TLS: a client that does not trust the certificate fails connect with CONNECT_FAILED; others carry on", async () => {
  const server = await listen({ port: 0 }, tinyFraming(), echo, { tls: certificate });
  const failure = await connect({ port: server.address.port }, tinyFraming(), { tls: true }).catch((e: unknown) => e);
  expect(failure).toBeInstanceOf(FramedError);
  expect((failure as FramedError).code).toBe("CONNECT_FAILED");
  const client = await connect({ port: server.address.port }, tinyFraming(), { tls: { ca: certificate.cert } });
  expect(await roundTrip(client, ["still fine"])).toEqual(["still fine"]);
  await server.close();
});
