// The wrong peer on either end (a plain TCP, line or length-prefix program where a WebSocket was expected, or
// the reverse) gets a clear error at once, never a wait for the handshake timeout.
import { once } from "node:events";
import * as net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { connect, listen } from "../../src/node.ts";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function tcpServer(onSocket: (socket: net.Socket) => void): Promise<number> {
  const server = net.createServer({ allowHalfOpen: true }, onSocket);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return (server.address() as net.AddressInfo).port;
}

describe("a WebSocket client against a server that is not one", () => {
  // A handshake timeout longer than the test's: a client that waited for it would fail the test.
  const options = { handshakeTimeout: 60_000 };

  it("a server that hangs up at once (EOF, half-open) fails connect with HANDSHAKE_FAILED, not TIMEOUT", async () => {
    const port = await tcpServer((socket) => socket.resume().end());
    const error = await connect(`ws://127.0.0.1:${port}/`, options).catch((e) => e);
    expect(error.code).toBe("HANDSHAKE_FAILED");
    expect(error.message).toBe(
      `ws://127.0.0.1:${port} closed the connection without answering the WebSocket upgrade request (is it a WebSocket server?)`,
    );
  });

  it("a server that reads the request, then hangs up, fails connect with HANDSHAKE_FAILED", async () => {
    const port = await tcpServer((socket) => socket.once("data", () => socket.resume().end()));
    const error = await connect(`ws://127.0.0.1:${port}/`, options).catch((e) => e);
    expect(error.code).toBe("HANDSHAKE_FAILED");
  });

  it("a line echo server (our request comes back) fails connect at its first line", async () => {
    const port = await tcpServer((socket) => socket.pipe(socket));
    const error = await connect(`ws://127.0.0.1:${port}/`, options).catch((e) => e);
    expect(error.code).toBe("HANDSHAKE_FAILED");
    expect(error.message).toContain('status line "GET / HTTP/1.1"');
  });
});

describe("a WebSocket server against a client that is not one", () => {
  it("a line client gets 400 naming its first line at once, and the connection ends", async () => {
    const server = await listen({ port: 0 }, () => {}, { handshakeTimeout: 60_000 });
    cleanups.push(() => server.close());
    const socket = net.connect(server.address.port, "127.0.0.1");
    socket.write("hello\n");
    const chunks: Buffer[] = [];
    socket.on("data", (chunk) => chunks.push(chunk));
    await once(socket, "end");
    const response = Buffer.concat(chunks).toString("latin1");
    expect(response).toMatch(/^HTTP\/1\.1 400 /);
    expect(response).toContain('the first line is \\"hello\\"'.replaceAll("\\", ""));
    socket.destroy();
  });
});
