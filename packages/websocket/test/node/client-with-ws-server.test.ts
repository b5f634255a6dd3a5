// Our Node client against a `ws` server: messages, deflate, fragmentation, 16 MiB, close codes both ways,
// ping/pong, subprotocols, headers, and refused, silent or missing servers.

import { once } from "node:events";
import * as net from "node:net";
import { type CloseInfo, DEFAULT_MAX_MESSAGE_SIZE, FramedError } from "@framed/core";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer, type WebSocket as WsSocket } from "ws";
import { connect, type WebSocketMessageStream } from "../../src/node.ts";
import { within } from "./helpers.ts";

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface WsServer {
  url: string;
  server: WebSocketServer;
  /** The server side of the next connection. */
  nextConnection(): Promise<{ socket: WsSocket; headers: Record<string, unknown> }>;
}

async function wsServer(
  options: ConstructorParameters<typeof WebSocketServer>[0] = {},
  echo = true,
): Promise<WsServer> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0, maxPayload: 64 * 1024 * 1024, ...options });
  await within(once(server, "listening"), 5000, "ws server");
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  );
  if (echo) {
    server.on("connection", (socket) => {
      socket.on("message", (data, isBinary) => socket.send(data, { binary: isBinary }));
    });
  }
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    server,
    nextConnection: () =>
      within(
        new Promise((resolve) =>
          server.once("connection", (socket, request) => resolve({ socket, headers: request.headers })),
        ),
        5000,
        "a ws connection",
      ),
  };
}

async function client(url: string, options: Parameters<typeof connect>[1] = {}): Promise<WebSocketMessageStream> {
  const stream = await within(connect(url, options), 5000, "connect");
  cleanups.push(() => stream.abort());
  return stream;
}

async function next(stream: WebSocketMessageStream): Promise<string | Uint8Array> {
  const result = await within(stream[Symbol.asyncIterator]().next(), 10_000, "a message");
  if (result.done) throw new Error("the stream ended");
  return result.value;
}

async function rejection(promise: Promise<unknown>): Promise<FramedError> {
  const error = await within(
    promise.then(
      () => undefined,
      (e: unknown) => e,
    ),
    10_000,
    "the rejection",
  );
  expect(error).toBeInstanceOf(FramedError);
  return error as FramedError;
}

describe("our client with a ws server", () => {
  it("sends and receives text as strings and binary as bytes", async () => {
    const { url } = await wsServer();
    const stream = await client(url, { deflate: false });
    await stream.send("héllo ✓");
    expect(await next(stream)).toBe("héllo ✓");
    await stream.send(new Uint8Array([0, 1, 2, 255]));
    const binary = await next(stream);
    expect(binary).toBeInstanceOf(Uint8Array);
    expect([...(binary as Uint8Array)]).toEqual([0, 1, 2, 255]);
  });

  it("negotiates permessage-deflate with ws and exchanges compressed messages", async () => {
    const { url } = await wsServer({ perMessageDeflate: { threshold: 0 } });
    const stream = await client(url, { deflate: true, compressionThreshold: 0 });
    expect(stream.extensions).toContain("permessage-deflate");
    expect(stream.deflate).not.toBeNull();
    const text = "compress me ".repeat(10_000);
    await stream.send(text);
    expect(await next(stream)).toBe(text);
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 31) % 256);
    await stream.send(bytes);
    expect(Buffer.from((await next(stream)) as Uint8Array).equals(bytes)).toBe(true);
  });

  it("honours a server that insists on no context takeover and a smaller client window", async () => {
    const { url } = await wsServer({
      perMessageDeflate: { threshold: 0, serverNoContextTakeover: true, clientMaxWindowBits: 10 },
    });
    const stream = await client(url);
    expect(stream.deflate).toMatchObject({ serverNoContextTakeover: true, clientMaxWindowBits: 10 });
    for (let i = 0; i < 3; i++) {
      await stream.send(`message ${i} `.repeat(1000));
      expect(await next(stream)).toBe(`message ${i} `.repeat(1000));
    }
  });

  it("reassembles a message the ws server sends in fragments", async () => {
    const ws = await wsServer({}, false);
    const connection = ws.nextConnection();
    const stream = await client(ws.url, { deflate: false });
    const { socket } = await connection;
    socket.send("frag", { fin: false });
    socket.send("men", { fin: false });
    socket.send("ted", { fin: true });
    expect(await next(stream)).toBe("fragmented");
  });

  it("carries a 16 MiB message (the default maxMessageSize) both ways", async () => {
    const { url } = await wsServer();
    const stream = await client(url, { deflate: false });
    const big = new Uint8Array(DEFAULT_MAX_MESSAGE_SIZE).fill(0x61);
    big[99] = 0x62;
    await stream.send(big);
    const echoed = (await next(stream)) as Uint8Array;
    expect(echoed.length).toBe(big.length);
    expect(Buffer.from(echoed).equals(Buffer.from(big))).toBe(true);
  });

  it("fails with MESSAGE_TOO_LARGE and close 1009 when the server sends more than maxMessageSize", async () => {
    const ws = await wsServer({}, false);
    const connection = ws.nextConnection();
    const stream = await client(ws.url, { deflate: false, maxMessageSize: 1000 });
    const { socket } = await connection;
    const serverSaw = within(new Promise<number>((resolve) => socket.once("close", resolve)), 5000, "ws close");
    socket.send(Buffer.alloc(1001));
    const info = await within(stream.closed, 5000, "closed");
    expect(info.error?.code).toBe("MESSAGE_TOO_LARGE");
    expect(await serverSaw).toBe(1009);
  });

  it("sends our close code and reason, and reports the server's echo in `closed`", async () => {
    const ws = await wsServer({}, false);
    const connection = ws.nextConnection();
    const stream = await client(ws.url);
    const { socket } = await connection;
    const serverSaw = within(
      new Promise<[number, string]>((resolve) =>
        socket.once("close", (code, reason) => resolve([code, reason.toString()])),
      ),
      5000,
      "ws close",
    );
    const info = await within(stream.close({ code: 4003, reason: "client leaving" }), 5000, "close()");
    expect(await serverSaw).toEqual([4003, "client leaving"]);
    expect(info).toMatchObject({ initiator: "local", code: 4003 });
  });

  it("reports the server's close code and reason", async () => {
    const ws = await wsServer({}, false);
    const connection = ws.nextConnection();
    const stream = await client(ws.url);
    (await connection).socket.close(4004, "server leaving");
    const info: CloseInfo = await within(stream.closed, 5000, "closed");
    expect(info).toMatchObject({ initiator: "remote", code: 4004, reason: "server leaving" });
  });

  it("answers the server's ping with a pong of the same payload, and pings the server", async () => {
    const ws = await wsServer({}, false);
    const connection = ws.nextConnection();
    const stream = await client(ws.url);
    const { socket } = await connection;
    const pong = within(new Promise<Buffer>((resolve) => socket.once("pong", resolve)), 5000, "pong");
    socket.ping("payload 1");
    expect((await pong).toString()).toBe("payload 1");
    const ping = within(new Promise<Buffer>((resolve) => socket.once("ping", resolve)), 5000, "ping");
    stream.ping(new Uint8Array([1, 2, 3]));
    expect([...(await ping)]).toEqual([1, 2, 3]);
  });

  it("offers subprotocols and extra headers, and exposes the server's choice", async () => {
    const ws = await wsServer({ handleProtocols: (protocols) => (protocols.has("b") ? "b" : false) });
    const connection = ws.nextConnection();
    const stream = await client(`${ws.url}/path?q=1`, {
      protocols: ["a", "b"],
      headers: { "X-Trace": "t-1", Origin: "https://me.example" },
    });
    const { headers } = await connection;
    expect(stream.protocol).toBe("b");
    expect(headers["x-trace"]).toBe("t-1");
    expect(headers.origin).toBe("https://me.example");
  });

  it("sends URL credentials as basic authorization", async () => {
    const ws = await wsServer();
    const connection = ws.nextConnection();
    await client(ws.url.replace("ws://", "ws://user:p%40ss@"));
    expect((await connection).headers.authorization).toBe(`Basic ${Buffer.from("user:p@ss").toString("base64")}`);
  });

  it("rejects with HANDSHAKE_FAILED carrying the status when the server refuses", async () => {
    const { url } = await wsServer({
      verifyClient: (_info, callback) => callback(false, 401, "Unauthorized"),
    });
    const error = await rejection(connect(url));
    expect(error.code).toBe("HANDSHAKE_FAILED");
    expect(error.status).toBe(401);
  });

  it("rejects with TIMEOUT when the server never answers the upgrade", async () => {
    const silent = net.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const sockets = new Set<net.Socket>();
    silent.on("connection", (socket) => sockets.add(socket));
    cleanups.push(() => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => silent.close(resolve));
    });
    const { port } = silent.address() as net.AddressInfo;
    const started = Date.now();
    const error = await rejection(connect(`ws://127.0.0.1:${port}`, { handshakeTimeout: 300 }));
    expect(error.code).toBe("TIMEOUT");
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it("rejects with CONNECT_FAILED when nothing listens", async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as net.AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    expect((await rejection(connect(`ws://127.0.0.1:${port}`))).code).toBe("CONNECT_FAILED");
  });

  it("rejects bad options with a RangeError before connecting", async () => {
    await expect(connect("ws://127.0.0.1:1/", { maxMessageSize: -1 })).rejects.toThrow(RangeError);
    await expect(connect("ws://127.0.0.1:1/", { deflate: { clientMaxWindowBits: 8 } })).rejects.toThrow(RangeError);
    await expect(connect("ws://127.0.0.1:1/", { keepAlive: { interval: 0 } })).rejects.toThrow(RangeError);
  });

  it("rejects a URL that is not ws: or wss: with a TypeError", async () => {
    await expect(connect("ftp://127.0.0.1/")).rejects.toThrow(TypeError);
    await expect(connect("ws://127.0.0.1/#frag")).rejects.toThrow(TypeError);
  });
});
