// framed's own WebSocket server on Bun's own sockets (@framed/websocket/bun `listen`) in the real Bun runtime: the
// opening handshake's refusals, verify, its deadline, keep-alive, and what close() does.
import { expect, test } from "bun:test";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import * as net from "node:net";
import { within } from "@framed/core/testing";
import WebSocket from "ws";
import { listen, type ServerOptions } from "../src/bun.ts";
import { RawClient } from "./node/helpers.ts";

function echo(options: ServerOptions) {
  return listen(
    { port: 0 },
    async (stream) => {
      try {
        for await (const message of stream) await stream.send(message);
      } catch {
        // Reported through closed.
      }
    },
    options,
  );
}

const upgradeTo = (path: string, extra = "") =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
  `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`;

test("Bun listen: a request that is not an upgrade gets 426, a wrong path 404, and the server reports both", async () => {
  const errors: unknown[] = [];
  const server = await echo({ path: "/chat", onHandshakeError: (error) => errors.push(error) });
  const plain = await RawClient.open(server.address.port, {
    request: "GET /chat HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    expectUpgrade: false,
  });
  expect(plain.response).toStartWith("HTTP/1.1 426 ");
  await plain.closedByServer();
  const elsewhere = await RawClient.open(server.address.port, { request: upgradeTo("/other"), expectUpgrade: false });
  expect(elsewhere.response).toStartWith("HTTP/1.1 404 ");
  await elsewhere.closedByServer();
  expect(errors.map((e) => (e as { status?: number }).status)).toEqual([426, 404]);
  const good = await RawClient.open(server.address.port, { request: upgradeTo("/chat") });
  expect(good.response).toStartWith("HTTP/1.1 101 ");
  good.destroy();
  await server.close();
});

test("Bun listen: verify refuses with its status, and frames sent with the request wait for its answer", async () => {
  const server = await echo({
    verify: async (request) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return request.url.includes("let-me-in") ? true : { status: 401, reason: "who are you" };
    },
  });
  const refused = await RawClient.open(server.address.port, { request: upgradeTo("/"), expectUpgrade: false });
  expect(refused.response).toStartWith("HTTP/1.1 401 ");
  expect(await refused.body()).toContain("who are you");
  // A masked text frame "hi" sent in the same write as the request.
  const eager = Uint8Array.of(0x81, 0x82, 1, 2, 3, 4, 0x68 ^ 1, 0x69 ^ 2);
  const admitted = await RawClient.open(server.address.port, { request: upgradeTo("/?let-me-in"), extra: eager });
  const reply = await admitted.read();
  expect([reply.opcode, reply.payload.toString()]).toEqual([1, "hi"]);
  admitted.destroy();
  await server.close();
});

test("Bun listen: frames sent with the request still arrive when the client's FIN came while verify ran", async () => {
  const received: string[] = [];
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const server = await listen(
    { port: 0 },
    async (stream) => {
      try {
        for await (const message of stream) received.push(String(message));
      } catch {
        // The outcome is what arrived.
      }
      done();
    },
    { verify: () => new Promise((resolve) => setTimeout(() => resolve(true), 50)) },
  );
  // The request, a masked text frame "hi" and the FIN, all before verify answers.
  const eager = Uint8Array.of(0x81, 0x82, 1, 2, 3, 4, 0x68 ^ 1, 0x69 ^ 2);
  const socket = net.connect({ host: "127.0.0.1", port: server.address.port });
  await within(once(socket, "connect"), 5000, "TCP connect");
  socket.on("error", () => {});
  socket.end(Buffer.concat([Buffer.from(upgradeTo("/"), "latin1"), eager]));
  await within(finished, 5000, "the stream to end");
  expect(received).toEqual(["hi"]);
  socket.destroy();
  await server.close();
});

test("Bun listen: a client that never finishes its request is cut at handshakeTimeout with TIMEOUT", async () => {
  const errors: unknown[] = [];
  const server = await echo({ handshakeTimeout: 100, onHandshakeError: (error) => errors.push(error) });
  const net = await import("node:net");
  const socket = net.connect({ host: "127.0.0.1", port: server.address.port });
  socket.on("error", () => {}); // cut with a reset
  socket.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  await within(new Promise((resolve) => socket.once("close", resolve)), 5000, "the server to cut the slow client");
  expect((errors[0] as { code?: string }).code).toBe("TIMEOUT");
  await server.close();
});

test("Bun listen: keepAlive pings an idle client, and a client that answers stays connected", async () => {
  const server = await echo({ keepAlive: { interval: 50, timeout: 100 } });
  const client = new WebSocket(server.url);
  await within(once(client, "open"), 5000, "ws open");
  await within(once(client, "ping"), 5000, "a keep-alive ping");
  await within(once(client, "ping"), 5000, "a second ping");
  expect(client.readyState).toBe(WebSocket.OPEN);
  const closed = once(client, "close");
  await server.close();
  const [code] = await within(closed, 5000, "the close");
  expect(code).toBe(1001);
});

test("Bun listen: close() stops accepting and closes every stream with 1001", async () => {
  const server = await echo({});
  const clients = await Promise.all(
    [1, 2, 3].map(async () => {
      const client = new WebSocket(server.url);
      await within(once(client, "open"), 5000, "ws open");
      return client;
    }),
  );
  expect(server.streams.size).toBe(3);
  const codes = clients.map((client) => within(once(client, "close"), 5000, "the close"));
  await server.close();
  expect((await Promise.all(codes)).map(([code]) => code)).toEqual([1001, 1001, 1001]);
  const refused = new WebSocket(server.url);
  await within(once(refused, "error"), 5000, "the refused connection");
});

test("Bun listen: keepAlive fails a client that stops answering with TIMEOUT and cuts it", async () => {
  let closedWith: unknown;
  const server = await listen(
    { port: 0 },
    async (stream) => {
      try {
        for await (const _ of stream) {
          // Nothing to say.
        }
      } catch {
        // The same error is in closed.
      }
      closedWith = (await stream.closed).error;
    },
    { keepAlive: { interval: 50, timeout: 100 } },
  );
  // The raw client never answers pings.
  const silent = await RawClient.open(server.address.port);
  const ping = await silent.read();
  expect(ping.opcode).toBe(0x9);
  await silent.closedByServer();
  for (let i = 0; i < 100 && closedWith === undefined; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect((closedWith as { code?: string }).code).toBe("TIMEOUT");
  await server.close();
});

test("Bun listen: with tls it serves wss: to a ws client that trusts the certificate", async () => {
  const fixture = (name: string) => readFileSync(new URL(`../../../test-support/tls/${name}`, import.meta.url), "utf8");
  const tls = { cert: fixture("localhost.cert.pem"), key: fixture("localhost.key.pem") };
  const server = await listen(
    { port: 0 },
    async (stream) => {
      for await (const message of stream) await stream.send(message);
    },
    { tls },
  );
  expect(server.url).toStartWith("wss://");
  const client = new WebSocket(server.url, { ca: tls.cert });
  await within(once(client, "open"), 5000, "wss open");
  const reply = new Promise<string>((resolve) => client.once("message", (data) => resolve(String(data))));
  client.send("secret");
  expect(await within(reply, 5000, "the echo")).toBe("secret");
  const closed = once(client, "close");
  await server.close();
  expect((await within(closed, 5000, "the close"))[0]).toBe(1001);
});
