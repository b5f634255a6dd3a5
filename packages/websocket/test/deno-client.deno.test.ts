// Our Deno client (raw Deno.connect, our own protocol core) against a `ws` server running in Deno through
// npm compatibility, and against our own Deno server: messages, permessage-deflate, close codes both ways,
// ping/pong, subprotocols, headers, limits, and refused, silent or missing servers.
import assert from "node:assert/strict";
import type { FramedError } from "@framed/core";
import { WebSocketServer, type WebSocket as WsSocket } from "ws";
import { type ConnectOptions, connect, type WebSocketMessageStream } from "../src/deno.ts";
import { echoServer, withCleanup, within } from "./deno/helpers.deno.ts";

type Defer = (cleanup: () => unknown) => void;

interface WsServer {
  url: string;
  /** The server side of the next connection, with its request headers. */
  nextConnection(): Promise<{ socket: WsSocket; headers: Record<string, unknown> }>;
}

/** A ws echo server in Deno, closed (clients terminated) by the cleanup. */
async function wsServer(
  defer: Defer,
  options: ConstructorParameters<typeof WebSocketServer>[0] = {},
  echo = true,
): Promise<WsServer> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0, ...options });
  await within(new Promise((resolve) => server.once("listening", resolve)), 5000, "the ws server");
  defer(
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
  const { port } = server.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}`,
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

/** Our client, aborted and awaited by the cleanup. */
async function client(defer: Defer, url: string, options: ConnectOptions = {}): Promise<WebSocketMessageStream> {
  const stream = await within(connect(url, options), 5000, "connect");
  defer(async () => {
    stream.abort();
    await stream.closed;
  });
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
      (caught: unknown) => caught,
    ),
    10_000,
    "the rejection",
  );
  if (!error) throw new Error("expected a rejection");
  return error as FramedError;
}

Deno.test("sends and receives text as strings and binary as bytes with a ws server", async () => {
  await withCleanup(async (defer) => {
    const server = await wsServer(defer);
    const stream = await client(defer, server.url, { deflate: false });
    assert.equal(stream.extensions, "");
    await stream.send("hello ws");
    assert.equal(await next(stream), "hello ws");
    await stream.send(Uint8Array.of(0, 1, 255));
    assert.deepEqual(await next(stream), Uint8Array.of(0, 1, 255));
  });
});

Deno.test("negotiates permessage-deflate with ws and exchanges compressed messages both ways", async () => {
  await withCleanup(async (defer) => {
    const server = await wsServer(defer, { perMessageDeflate: { threshold: 0 } });
    const connection = server.nextConnection();
    const stream = await client(defer, server.url);
    assert.match(stream.extensions, /permessage-deflate/);
    assert.ok(stream.deflate);
    const { socket } = await connection;
    assert.match(socket.extensions, /permessage-deflate/);
    const text = "squeeze me ".repeat(10_000);
    await stream.send(text);
    assert.equal(await next(stream), text);
    await stream.send(new TextEncoder().encode(text));
    assert.equal(new TextDecoder().decode((await next(stream)) as Uint8Array), text);
  });
});

Deno.test("honours a ws server that insists on no context takeover and a smaller client window", async () => {
  await withCleanup(async (defer) => {
    const server = await wsServer(defer, {
      perMessageDeflate: {
        threshold: 0,
        serverNoContextTakeover: true,
        clientNoContextTakeover: true,
        clientMaxWindowBits: 10,
      },
    });
    const stream = await client(defer, server.url);
    assert.equal(stream.deflate?.clientNoContextTakeover, true);
    assert.equal(stream.deflate?.clientMaxWindowBits, 10);
    for (let i = 0; i < 3; i++) {
      await stream.send(`round ${i} `.repeat(2000));
      assert.equal(await next(stream), `round ${i} `.repeat(2000));
    }
  });
});

Deno.test("sends our close code and reason, and reports the server's echo in `closed`", async () => {
  await withCleanup(async (defer) => {
    const server = await wsServer(defer);
    const connection = server.nextConnection();
    const stream = await client(defer, server.url);
    const { socket } = await connection;
    const serverSaw = new Promise<{ code: number; reason: string }>((resolve) =>
      socket.once("close", (code: number, reason: Uint8Array) => resolve({ code, reason: String(reason) })),
    );
    const info = await within(stream.close({ code: 4100, reason: "client done" }), 5000, "close");
    assert.deepEqual({ initiator: info.initiator, code: info.code }, { initiator: "local", code: 4100 });
    assert.deepEqual(await within(serverSaw, 5000, "the server's close"), { code: 4100, reason: "client done" });
  });
});

Deno.test("reports the ws server's close code and reason", async () => {
  await withCleanup(async (defer) => {
    const server = await wsServer(defer, {}, false);
    const connection = server.nextConnection();
    const stream = await client(defer, server.url);
    (await connection).socket.close(4200, "server done");
    for await (const _ of stream) assert.fail("no message expected");
    const info = await stream.closed;
    assert.deepEqual(
      { initiator: info.initiator, code: info.code, reason: info.reason },
      { initiator: "remote", code: 4200, reason: "server done" },
    );
  });
});

Deno.test("answers the server's ping with a pong of the same payload, and pings the server", async () => {
  await withCleanup(async (defer) => {
    const server = await wsServer(defer);
    const connection = server.nextConnection();
    const stream = await client(defer, server.url);
    const { socket } = await connection;
    const pong = new Promise<string>((resolve) => socket.once("pong", (data) => resolve(String(data))));
    socket.ping("server ping");
    assert.equal(await within(pong, 5000, "our pong"), "server ping");
    const ping = new Promise<string>((resolve) => socket.once("ping", (data) => resolve(String(data))));
    stream.ping("client ping");
    assert.equal(await within(ping, 5000, "our ping"), "client ping");
  });
});

Deno.test("offers subprotocols and extra headers, exposes the server's choice, and sends URL credentials", async () => {
  await withCleanup(async (defer) => {
    const server = await wsServer(defer, {
      handleProtocols: (offered) => (offered.has("chat.v1") ? "chat.v1" : false),
    });
    const connection = server.nextConnection();
    const stream = await client(defer, server.url.replace("ws://", "ws://user:p%40ss@"), {
      protocols: ["chat.v2", "chat.v1"],
      headers: { "X-Trace": "abc" },
    });
    assert.equal(stream.protocol, "chat.v1");
    const { headers } = await connection;
    assert.equal(headers["x-trace"], "abc");
    assert.equal(headers.authorization, `Basic ${btoa("user:p@ss")}`);
  });
});

Deno.test("a message over maxMessageSize from the server fails with MESSAGE_TOO_LARGE and close 1009", async () => {
  await withCleanup(async (defer) => {
    const server = await wsServer(defer, {}, false);
    const connection = server.nextConnection();
    const stream = await client(defer, server.url, { maxMessageSize: 1024 });
    const { socket } = await connection;
    const serverSaw = new Promise<number>((resolve) => socket.once("close", (code: number) => resolve(code)));
    socket.send("x".repeat(2000));
    await assert.rejects(next(stream), (error: FramedError) => error.code === "MESSAGE_TOO_LARGE");
    assert.equal(await within(serverSaw, 5000, "the server's close"), 1009);
  });
});

Deno.test("rejects with HANDSHAKE_FAILED carrying the status when the server refuses", async () => {
  await withCleanup(async (defer) => {
    const server = await wsServer(defer, { verifyClient: (_info, done) => done(false, 401, "no token") });
    const error = await rejection(connect(server.url));
    assert.equal(error.code, "HANDSHAKE_FAILED");
    assert.equal(error.status, 401);
  });
});

Deno.test("rejects with TIMEOUT when the server never answers the upgrade", async () => {
  await withCleanup(async (defer) => {
    const silent = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const accepted: Deno.Conn[] = [];
    const accepting = (async () => {
      for await (const conn of silent) accepted.push(conn);
    })();
    defer(async () => {
      silent.close();
      await accepting.catch(() => {});
      for (const conn of accepted) conn.close();
    });
    const started = Date.now();
    const error = await rejection(connect(`ws://127.0.0.1:${silent.addr.port}/`, { handshakeTimeout: 200 }));
    assert.equal(error.code, "TIMEOUT");
    assert.ok(Date.now() - started >= 150);
  });
});

Deno.test("rejects with CONNECT_FAILED when nothing listens, and bad input before connecting", async () => {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = probe.addr.port;
  probe.close();
  assert.equal((await rejection(connect(`ws://127.0.0.1:${port}/`))).code, "CONNECT_FAILED");
  await assert.rejects(connect(`ws://127.0.0.1:${port}/`, { maxMessageSize: -1 }), RangeError);
  await assert.rejects(connect(`ftp://127.0.0.1:${port}/`), TypeError);
});

Deno.test("our Deno client and our Deno server agree on permessage-deflate and echo both message types", async () => {
  await withCleanup(async (defer) => {
    const listener = await echoServer({ deflate: true });
    defer(() => listener.close());
    const stream = await client(defer, `${listener.url}echo`);
    assert.match(stream.extensions, /permessage-deflate/);
    const text = "ours to ours ".repeat(3000);
    await stream.send(text);
    assert.equal(await next(stream), text);
    await stream.send(Uint8Array.of(7, 7, 7));
    assert.deepEqual(await next(stream), Uint8Array.of(7, 7, 7));
    const info = await within(stream.close({ code: 1000, reason: "done" }), 5000, "close");
    assert.equal(info.code, 1000);
  });
});

/** The committed self-signed certificate for localhost and 127.0.0.1 (see test-support/tls/README.md). */
async function selfSignedCertificate(): Promise<{ cert: string; key: string }> {
  const fixture = (name: string) => Deno.readTextFile(new URL(`../../../test-support/tls/${name}`, import.meta.url));
  return { cert: await fixture("localhost.cert.pem"), key: await fixture("localhost.key.pem") };
}

Deno.test("connects to wss:// over Deno.connectTls, trusting the server's certificate through caCerts", async () => {
  await withCleanup(async (defer) => {
    const { cert, key } = await selfSignedCertificate();
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, cert, key, onListen: () => {} }, (request) => {
      const upgraded = Deno.upgradeWebSocket(request);
      upgraded.socket.onmessage = (event) => upgraded.socket.send(event.data);
      return upgraded.response;
    });
    defer(() => server.shutdown());
    const url = `wss://localhost:${server.addr.port}/`;
    const untrusted = await rejection(connect(url));
    assert.equal(untrusted.code, "CONNECT_FAILED");
    const stream = await client(defer, url, { caCerts: [cert] });
    await stream.send("over tls");
    assert.equal(await next(stream), "over tls");
    await within(stream.close(), 5000, "close");
  });
});
