// Node's connect and listen over TLS (the `tls` option), against real TLS sockets on 127.0.0.1.
import { readFileSync } from "node:fs";
import * as net from "node:net";
import * as tls from "node:tls";
import { afterEach, describe, expect, it } from "vitest";
import { FramedError } from "../src/errors.ts";
import { connect, listen, type NodeListener } from "../src/node.ts";
import { roundTrip } from "./fixtures/round-trip.ts";
import { tinyFraming } from "./fixtures/tiny-framing.ts";

/** The committed self-signed certificate for localhost and 127.0.0.1 (see test-support/tls/README.md). */
const fixture = (name: string) => readFileSync(new URL(`../../../test-support/tls/${name}`, import.meta.url), "utf8");
const cert = fixture("localhost.cert.pem");
const key = fixture("localhost.key.pem");

const listeners: NodeListener<string>[] = [];
afterEach(async () => {
  await Promise.all(listeners.splice(0).map((l) => l.close()));
});

async function tlsEchoServer() {
  const encrypted: boolean[] = [];
  /** The server name (SNI) each client sent; false when it sent none (Node types it `string | false | null`). */
  const serverNames: Array<string | false | null> = [];
  const listener = await listen(
    { port: 0 },
    tinyFraming(),
    async (stream, socket) => {
      encrypted.push((socket as tls.TLSSocket).encrypted === true);
      serverNames.push((socket as tls.TLSSocket).servername);
      for await (const message of stream) await stream.send(message);
    },
    { tls: { cert, key } },
  );
  listeners.push(listener);
  return { listener, encrypted, serverNames };
}

/** A tiny-framing frame: one length byte, then the UTF-8 bytes. */
const frame = (text: string) => Buffer.concat([Buffer.of(Buffer.byteLength(text)), Buffer.from(text)]);

function rawTlsServer(onSocket: (socket: tls.TLSSocket) => void): Promise<tls.Server> {
  const server = tls.createServer({ cert, key, allowHalfOpen: true }, onSocket);
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

function readAll(socket: tls.TLSSocket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve, reject) => {
    socket.once("end", () => resolve(Buffer.concat(chunks)));
    socket.once("error", reject);
  });
}

/** Long enough for the socket to have read the peer's end: a socket that is not half-open has ended by then. */
const afterTheEnd = () => new Promise((resolve) => setTimeout(resolve, 30));

describe("Node TLS", () => {
  it("listen and connect with tls carry every message both ways, and the handler gets the TLS socket", async () => {
    const { listener, encrypted } = await tlsEchoServer();
    const client = await connect({ port: listener.address.port }, tinyFraming(), { tls: { ca: cert } });
    const sent = Array.from({ length: 200 }, (_, i) => `secret ${i}`);
    expect(await roundTrip(client, sent)).toEqual(sent);
    expect(encrypted).toEqual([true]);
  });

  it("a host name is sent as the server name (SNI), an IP address never is", async () => {
    const { listener, serverNames } = await tlsEchoServer();
    const port = listener.address.port;
    for (const host of ["localhost", "127.0.0.1"]) {
      const client = await connect({ host, port }, tinyFraming(), { tls: { ca: cert } });
      expect(await roundTrip(client, [`via ${host}`])).toEqual([`via ${host}`]);
    }
    expect(serverNames).toEqual(["localhost", false]);
  });

  it("a client that does not trust the certificate fails connect with CONNECT_FAILED saying TLS; others carry on", async () => {
    const { listener } = await tlsEchoServer();
    const port = listener.address.port;
    const refused = await connect({ port }, tinyFraming(), { tls: true }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(FramedError);
    expect(refused).toMatchObject({
      code: "CONNECT_FAILED",
      message: expect.stringMatching(new RegExp(`127\\.0\\.0\\.1:${port} over TLS: .*self-signed`)),
    });
    const trusted = await connect({ port }, tinyFraming(), { tls: { ca: cert } });
    await trusted.send("still here");
    expect((await trusted[Symbol.asyncIterator]().next()).value).toBe("still here");
    await trusted.close();
  });

  it("a plain TCP client never becomes a stream of a TLS listener", async () => {
    let accepted = 0;
    const listener = await listen({ port: 0 }, tinyFraming(), () => void accepted++, { tls: { cert, key } });
    listeners.push(listener);
    const failed = new Promise((resolve) => listener.server.once("tlsClientError", resolve));
    const plain = net.connect({ host: "127.0.0.1", port: listener.address.port });
    plain.on("error", () => {});
    // A tiny-framing frame where a TLS ClientHello belongs: its first byte is no TLS record type.
    plain.write(frame("hello, not a TLS handshake"));
    await failed;
    plain.destroy();
    expect(accepted).toBe(0);
    expect(listener.streams.size).toBe(0);
  });

  it("close() ends a connection still in its TLS handshake instead of waiting for the handshake timeout", async () => {
    const { listener } = await tlsEchoServer();
    const stalled = net.connect({ host: "127.0.0.1", port: listener.address.port });
    stalled.on("error", () => {});
    await new Promise((resolve) => stalled.once("connect", resolve));
    const client = await connect({ port: listener.address.port }, tinyFraming(), { tls: { ca: cert } });
    let echoed!: () => void;
    const firstEcho = new Promise<void>((resolve) => (echoed = resolve));
    const reading = client.consume(() => echoed());
    await client.send("open stream");
    await firstEcho;
    const started = Date.now();
    await listener.close();
    listeners.length = 0;
    // Node's handshake timeout is 120 s, closeTimeout 5 s: the stalled handshake held up neither.
    expect(Date.now() - started).toBeLessThan(2000);
    await reading;
    expect((await client.closed).initiator).toBe("remote");
    expect(stalled.destroyed || (await new Promise((resolve) => stalled.once("close", resolve)))).toBeTruthy();
  });

  it("a TLS client that ends its side still gets the replies to what it sent (the listener is half-open)", async () => {
    const listener = await listen(
      { port: 0 },
      tinyFraming(),
      async (stream) => {
        for await (const message of stream) {
          await afterTheEnd();
          await stream.send(`got ${message}`);
        }
      },
      { tls: { cert, key } },
    );
    listeners.push(listener);
    const socket = tls.connect({
      host: "127.0.0.1",
      port: listener.address.port,
      ca: cert,
      allowHalfOpen: true,
    } as tls.ConnectionOptions);
    await new Promise((resolve, reject) => socket.once("secureConnect", resolve).once("error", reject));
    const replies = readAll(socket);
    // Both requests and the end of the client's side leave together: the replies are written after it.
    socket.end(Buffer.concat([frame("a"), frame("b")]));
    expect(await replies).toEqual(Buffer.concat([frame("got a"), frame("got b")]));
  });

  it("a TLS server that ends its side still gets the replies to what it sent (connect is half-open)", async () => {
    let received: Promise<Buffer> | undefined;
    const server = await rawTlsServer((socket) => {
      received = readAll(socket);
      socket.end(Buffer.concat([frame("one"), frame("two")]));
    });
    try {
      const port = (server.address() as { port: number }).port;
      const client = await connect({ port }, tinyFraming(), { tls: { ca: cert } });
      for await (const message of client) {
        await afterTheEnd();
        await client.send(`got ${message}`);
      }
      await client.closed;
      expect(await received).toEqual(Buffer.concat([frame("got one"), frame("got two")]));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
