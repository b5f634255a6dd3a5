// Hostile peers on a real socket: a handshake trickled byte by byte (both directions), a declared 2^40-byte
// frame, and clients that leave mid-handshake. Each is refused on its own connection while another client works.

import { once } from "node:events";
import { readdirSync } from "node:fs";
import * as net from "node:net";
import type { CloseInfo } from "@framed/core";
import { afterEach, describe, expect, it } from "vitest";
import { connect, type ServerWebSocketStream } from "../../src/node.ts";
import { echoServer, RawClient, within } from "./helpers.ts";

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const REQUEST =
  "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

/** Write `text` one byte every `everyMs` until it is all sent or the socket closes; returns the bytes sent. */
function trickle(socket: net.Socket, text: string, everyMs: number): { sent: () => number; stop: () => void } {
  let sent = 0;
  const timer = setInterval(() => {
    if (sent >= text.length || socket.destroyed) return clearInterval(timer);
    socket.write(text[sent++], "latin1");
  }, everyMs);
  socket.once("close", () => clearInterval(timer));
  return { sent: () => sent, stop: () => clearInterval(timer) };
}

/** A bystander proves the server still serves: one echo round trip through our own client. */
async function echoesStill(url: string): Promise<void> {
  const client = await connect(url, { deflate: false });
  cleanups.push(() => client.abort());
  await client.send("still here");
  const { value } = await within(client[Symbol.asyncIterator]().next(), 2000, "the bystander's echo");
  expect(value).toBe("still here");
  await client.close();
}

describe("slowloris", () => {
  it("a client trickling its upgrade request one byte per 100 ms is dropped at handshakeTimeout with TIMEOUT", async () => {
    const handshakeErrors: unknown[] = [];
    const listener = await echoServer({
      handshakeTimeout: 300,
      onHandshakeError: (error) => handshakeErrors.push(error),
    });
    cleanups.push(() => listener.close());
    const slow = net.connect({ host: "127.0.0.1", port: listener.address.port });
    cleanups.push(() => slow.destroy());
    slow.on("error", () => {});
    let answered = "";
    slow.on("data", (chunk) => {
      answered += chunk.toString("latin1");
    });
    await within(once(slow, "connect"), 2000, "TCP connect");
    const started = Date.now();
    const sender = trickle(slow, REQUEST, 100);
    cleanups.push(() => sender.stop());

    await echoesStill(listener.url); // served while the slow client is still trickling
    // A FIN, or a reset when a trickled byte crossed the server's close: either way the client is dropped.
    const dropped = new Promise((resolve) => slow.once("close", resolve));
    await within(dropped, 2000, "the server to drop the trickling client");
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(sender.sent()).toBeLessThan(REQUEST.length);
    expect(answered).toBe("");
    expect(handshakeErrors).toEqual([expect.objectContaining({ code: "TIMEOUT" })]);
    await echoesStill(listener.url);
  });

  it("connect() to a server trickling its 101 response one byte per 100 ms rejects with TIMEOUT at handshakeTimeout", async () => {
    const response =
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
    const sockets = new Set<net.Socket>();
    const slowServer = net.createServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => {});
      socket.once("data", () => trickle(socket, response, 100));
    });
    await new Promise<void>((resolve) => slowServer.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => slowServer.close(resolve));
    });
    const { port } = slowServer.address() as net.AddressInfo;
    const started = Date.now();
    const error = await within(
      connect(`ws://127.0.0.1:${port}/`, { handshakeTimeout: 300 }).then(
        () => undefined,
        (e: unknown) => e,
      ),
      2000,
      "connect to give up",
    );
    expect(error).toMatchObject({ code: "TIMEOUT" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    await expect.poll(() => [...sockets].every((socket) => socket.destroyed), { timeout: 1000 }).toBe(true);
  });
});

describe("length bomb", () => {
  it("a frame declaring 2^40 bytes fails at its header with 1009 and MESSAGE_TOO_LARGE, allocating nothing", async () => {
    const closes: Promise<CloseInfo>[] = [];
    const listener = await echoServer({}, (stream: ServerWebSocketStream) => {
      closes.push(stream.closed);
    });
    cleanups.push(() => listener.close());
    const bomber = await RawClient.open(listener.address.port);
    cleanups.push(() => bomber.destroy());
    await expect.poll(() => closes.length, { timeout: 1000 }).toBe(1);

    const before = process.memoryUsage();
    // FIN + binary, masked, 64-bit length 2^40, mask key; no payload ever follows.
    bomber.send(Buffer.from([0x82, 0x80 | 127, 0, 0, 0x01, 0, 0, 0, 0, 0, 1, 2, 3, 4]));
    expect((await bomber.readClose(2000)).code).toBe(1009);
    const info = await within(closes[0], 2000, "the bomber's stream to close");
    const after = process.memoryUsage();

    expect(info.initiator).toBe("error");
    expect(info.error?.code).toBe("MESSAGE_TOO_LARGE");
    expect(info.error?.closeCode).toBe(1009);
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(4 * 1024 * 1024);
    await echoesStill(listener.url);
  });
});

describe("clients that leave during the opening handshake", () => {
  const openFds = () => readdirSync("/proc/self/fd").length;

  /** Poll `condition` every 10 ms for at most `ms`; true once it held. */
  async function pollUntil(condition: () => boolean, ms: number): Promise<boolean> {
    for (let waited = 0; waited <= ms; waited += 10) {
      if (condition()) return true;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return condition();
  }

  it.each([
    ["before sending a byte", ""],
    ["halfway through its request", REQUEST.slice(0, 40)],
  ])("a client that sends FIN %s releases its server socket at once, not at handshakeTimeout", async (_when, sent) => {
    const failures: unknown[] = [];
    const listener = await echoServer({ handshakeTimeout: 60_000, onHandshakeError: (error) => failures.push(error) });
    cleanups.push(() => listener.close());
    const before = openFds();
    const clients = 100;
    const closed: Promise<unknown>[] = [];
    for (let i = 0; i < clients; i++) {
      const socket = net.connect({ port: listener.address.port, host: "127.0.0.1" });
      socket.on("error", () => {});
      closed.push(once(socket, "close"));
      socket.once("connect", () => socket.end(sent, "latin1"));
    }
    // Each client closes once the server answered its FIN with its own: at once when the server lets go.
    await within(Promise.all(closed), 5000, "every client to be closed by the server");
    expect(await pollUntil(() => openFds() <= before, 2000)).toBe(true);
    expect(failures).toHaveLength(clients);
    expect(failures[0]).toMatchObject({ code: "HANDSHAKE_FAILED" });
  });
});

describe("request smuggling", () => {
  it.each([
    ["Content-Length: 5", "Content-Length: 5\r\n\r\n\x81\x80abc"],
    ["Transfer-Encoding: chunked", "Transfer-Encoding: chunked\r\n\r\n5\r\n\x81\x80abc\r\n0\r\n\r\n"],
  ])("an upgrade request with a body (%s) is answered 400 and never upgraded", async (_field, tail) => {
    const listener = await echoServer();
    cleanups.push(() => listener.close());
    const socket = net.connect({ port: listener.address.port, host: "127.0.0.1" });
    socket.on("error", () => {});
    let answer = "";
    socket.on("data", (chunk: Buffer) => {
      answer += chunk.toString("latin1");
    });
    await once(socket, "connect");
    socket.write(REQUEST.slice(0, -2) + tail, "latin1");
    await within(once(socket, "close"), 5000, "the server to close the connection");
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toMatch(/must not have a body/);
    expect(answer).not.toMatch(/101 Switching Protocols/);
  });
});
