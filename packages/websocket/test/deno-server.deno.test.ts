// Our Deno server (raw Deno.listen, our own protocol core) with real peers: the `ws` package (through
// Deno's npm compatibility) and Deno's own WebSocket client; deflate, subprotocols, verify, refusals with
// their status, handshake timeout, keep-alive, limits, and close() saying 1001.
import assert from "node:assert/strict";
import type { CloseInfo, FramedError } from "@framed/core";
import WebSocket from "ws";
import type { ServerWebSocketStream } from "../src/deno.ts";
import { listen } from "../src/deno.ts";
import { DenoRawClient, echoServer, refusedStatus, withCleanup, within } from "./deno/helpers.deno.ts";
import { frame } from "./shared/wire.ts";

/** A ws client that is torn down (and its socket closed) by the cleanup. */
async function wsClient(
  defer: (cleanup: () => unknown) => void,
  url: string,
  options: WebSocket.ClientOptions = {},
  protocols?: string[],
): Promise<WebSocket> {
  const client = new WebSocket(url, protocols, options);
  client.on("error", () => {});
  const closed = new Promise((resolve) => client.once("close", resolve));
  defer(async () => {
    client.terminate();
    await within(closed, 5000, "the ws client to close");
  });
  await within(
    new Promise((resolve, reject) => {
      client.once("open", resolve);
      client.once("unexpected-response", (_, response) => reject(new Error(`status ${response.statusCode}`)));
    }),
    5000,
    "the ws client to open",
  );
  return client;
}

function nextMessage(client: WebSocket): Promise<{ data: string; isBinary: boolean }> {
  return within(
    new Promise((resolve) =>
      client.once("message", (data: Uint8Array, isBinary: boolean) =>
        resolve({ data: new TextDecoder().decode(data), isBinary }),
      ),
    ),
    10_000,
    "a message",
  );
}

function closeEvent(client: WebSocket): Promise<{ code: number; reason: string }> {
  return within(
    new Promise((resolve) =>
      client.once("close", (code: number, reason: Uint8Array) => resolve({ code, reason: String(reason) })),
    ),
    5000,
    "the close event",
  );
}

/** Deno's own client WebSocket, opened, and closed by the cleanup. */
async function nativeClient(defer: (cleanup: () => unknown) => void, url: string, protocols?: string[]) {
  const socket = new globalThis.WebSocket(url, protocols);
  socket.binaryType = "arraybuffer";
  const closed = new Promise<CloseEvent>((resolve) => socket.addEventListener("close", resolve));
  defer(async () => {
    if (socket.readyState < 2) socket.close();
    await within(closed, 5000, "the native client to close");
  });
  await within(new Promise((resolve) => socket.addEventListener("open", resolve)), 5000, "the native client to open");
  return { socket, closed };
}

Deno.test("with a ws client: text echoes as text and binary as binary, with permessage-deflate agreed", async () => {
  await withCleanup(async (defer) => {
    const listener = await echoServer({ deflate: true });
    defer(() => listener.close());
    const client = await wsClient(defer, listener.url, { perMessageDeflate: true });
    assert.match(client.extensions, /permessage-deflate/);
    const text = "compress me ".repeat(5000);
    client.send(text);
    assert.deepEqual(await nextMessage(client), { data: text, isBinary: false });
    client.send(new TextEncoder().encode("bytes"));
    assert.deepEqual(await nextMessage(client), { data: "bytes", isBinary: true });
  });
});

Deno.test("with a ws client: deflate stays off when the server does not enable it", async () => {
  await withCleanup(async (defer) => {
    const listener = await echoServer();
    defer(() => listener.close());
    const client = await wsClient(defer, listener.url, { perMessageDeflate: true });
    assert.equal(client.extensions, "");
    client.send("plain");
    assert.deepEqual(await nextMessage(client), { data: "plain", isBinary: false });
  });
});

Deno.test("with a ws client: a 4 MiB message crosses both ways", async () => {
  await withCleanup(async (defer) => {
    const listener = await echoServer({ deflate: true });
    defer(() => listener.close());
    const client = await wsClient(defer, listener.url, { perMessageDeflate: true });
    const big = "0123456789abcdef".repeat(256 * 1024);
    client.send(big);
    assert.equal((await nextMessage(client)).data, big);
  });
});

Deno.test("a message over maxMessageSize closes only its connection with 1009 and MESSAGE_TOO_LARGE", async () => {
  await withCleanup(async (defer) => {
    const closes: Promise<CloseInfo>[] = [];
    const listener = await echoServer({ maxMessageSize: 1024 }, (stream) => closes.push(stream.closed));
    defer(() => listener.close());
    const bystander = await wsClient(defer, listener.url);
    const offender = await wsClient(defer, listener.url);
    const offenderClosed = closeEvent(offender);
    offender.send("x".repeat(2000));
    assert.equal((await offenderClosed).code, 1009);
    const failed = await within(
      Promise.any(closes.map((closed) => closed.then((info) => (info.error ? info : Promise.reject())))),
      5000,
      "the failed stream",
    );
    assert.equal((failed.error as FramedError).code, "MESSAGE_TOO_LARGE");
    bystander.send("still fine");
    assert.equal((await nextMessage(bystander)).data, "still fine");
  });
});

Deno.test("the client's close code and reason reach the server's `closed`; the server's reach the client", async () => {
  await withCleanup(async (defer) => {
    const streams: ServerWebSocketStream[] = [];
    const listener = await echoServer({}, (stream) => streams.push(stream));
    defer(() => listener.close());
    const client = await wsClient(defer, listener.url);
    const closed = closeEvent(client);
    client.close(4001, "client done");
    await closed;
    const info = await within(streams[0].closed, 5000, "the server stream to close");
    assert.deepEqual(
      { initiator: info.initiator, code: info.code, reason: info.reason },
      {
        initiator: "remote",
        code: 4001,
        reason: "client done",
      },
    );

    const second = await wsClient(defer, listener.url);
    const secondClosed = closeEvent(second);
    await within(
      (async () => {
        while (streams.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
      })(),
      5000,
      "the second stream",
    );
    await streams[1].close({ code: 4002, reason: "server done" });
    assert.deepEqual(await secondClosed, { code: 4002, reason: "server done" });
  });
});

Deno.test("ws's ping gets a pong with the same payload, and ws answers our ping", async () => {
  await withCleanup(async (defer) => {
    let serverStream: ServerWebSocketStream | undefined;
    const listener = await echoServer({}, (stream) => (serverStream = stream));
    defer(() => listener.close());
    const client = await wsClient(defer, listener.url);
    const pong = within(
      new Promise<string>((resolve) => client.once("pong", (data) => resolve(String(data)))),
      5000,
      "pong",
    );
    client.ping("are you there");
    assert.equal(await pong, "are you there");
    const pinged = within(
      new Promise<string>((resolve) => client.once("ping", (data) => resolve(String(data)))),
      5000,
      "ping",
    );
    serverStream?.ping("and you?");
    assert.equal(await pinged, "and you?");
  });
});

Deno.test("the server picks its most preferred subprotocol among those offered, or lets a function pick", async () => {
  await withCleanup(async (defer) => {
    const listener = await echoServer({ protocols: ["chat.v2", "chat.v1"] });
    defer(() => listener.close());
    const client = await wsClient(defer, listener.url, {}, ["chat.v1", "chat.v2"]);
    assert.equal(client.protocol, "chat.v2");
    const picking = await echoServer({ protocols: (offered) => offered.at(-1) });
    defer(() => picking.close());
    const { socket } = await nativeClient(defer, picking.url, ["a", "b", "c"]);
    assert.equal(socket.protocol, "c");
  });
});

Deno.test("verify sees the request; a refusal reaches the client with its status", async () => {
  await withCleanup(async (defer) => {
    let seen: ServerWebSocketStream | undefined;
    const listener = await echoServer(
      {
        verify: async (request) => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          return request.headers.get("authorization") === "Bearer ok" || { status: 401, reason: "token required" };
        },
      },
      (stream) => (seen = stream),
    );
    defer(() => listener.close());
    await wsClient(defer, `${listener.url}room?x=1`, {
      headers: { Authorization: "Bearer ok", Origin: "https://a.example" },
    });
    await within(
      (async () => {
        while (!seen) await new Promise((resolve) => setTimeout(resolve, 5));
      })(),
      5000,
      "the handler",
    );
    assert.equal(seen?.request.url, "/room?x=1");
    assert.equal(seen?.request.origin, "https://a.example");
    await assert.rejects(wsClient(defer, listener.url), /status 401/);
    const refused = await refusedStatus(
      listener.address.port,
      "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    );
    assert.equal(refused.status, 401);
    assert.match(refused.body, /token required/);
  });
});

const GOOD_FIELDS =
  "Host: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";

Deno.test("invalid handshakes get their HTTP status, a reason in the body, and are reported to onHandshakeError", async () => {
  await withCleanup(async (defer) => {
    const errors: FramedError[] = [];
    const listener = await echoServer({
      path: "/ws",
      maxHeaderSize: 1024,
      onHandshakeError: (error) => errors.push(error as FramedError),
    });
    defer(() => listener.close());
    const cases: Array<[string, string, number]> = [
      ["a POST", `POST /ws HTTP/1.1\r\n${GOOD_FIELDS}Sec-WebSocket-Version: 13\r\n\r\n`, 405],
      ["version 8", `GET /ws HTTP/1.1\r\n${GOOD_FIELDS}Sec-WebSocket-Version: 8\r\n\r\n`, 426],
      ["a plain GET", "GET /ws HTTP/1.1\r\nHost: h\r\n\r\n", 426],
      [
        "a short key",
        `GET /ws HTTP/1.1\r\n${GOOD_FIELDS.replace("dGhlIHNhbXBsZSBub25jZQ==", "c2hvcnQ=")}Sec-WebSocket-Version: 13\r\n\r\n`,
        400,
      ],
      ["a garbage request line", "HELLO\r\n\r\n", 400],
      ["another path", `GET /other HTTP/1.1\r\n${GOOD_FIELDS}Sec-WebSocket-Version: 13\r\n\r\n`, 404],
      ["a head over maxHeaderSize", `GET /ws HTTP/1.1\r\nX-Big: ${"a".repeat(2000)}\r\n\r\n`, 431],
      // A body on the upgrade request (request smuggling): refused before any upgrade.
      [
        "a Content-Length body",
        `GET /ws HTTP/1.1\r\n${GOOD_FIELDS}Sec-WebSocket-Version: 13\r\nContent-Length: 5\r\n\r\n\x81\x80abc`,
        400,
      ],
      [
        "a chunked body",
        `GET /ws HTTP/1.1\r\n${GOOD_FIELDS}Sec-WebSocket-Version: 13\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
        400,
      ],
    ];
    for (const [what, request, status] of cases) {
      const refused = await refusedStatus(listener.address.port, request);
      assert.equal(refused.status, status, what);
      assert.ok(refused.body.length > 0, what);
      if (status === 426) assert.match(refused.response, /Sec-WebSocket-Version: 13/);
    }
    assert.deepEqual(
      errors.map((error) => error.status),
      cases.map(([, , status]) => status),
    );
  });
});

Deno.test("verify returning false refuses with 403, and a verify that throws with 500", async () => {
  await withCleanup(async (defer) => {
    const request = `GET / HTTP/1.1\r\n${GOOD_FIELDS}Sec-WebSocket-Version: 13\r\n\r\n`;
    const forbidden = await echoServer({ verify: () => false });
    defer(() => forbidden.close());
    assert.equal((await refusedStatus(forbidden.address.port, request)).status, 403);
    const broken = await echoServer({
      verify: () => {
        throw new Error("database down");
      },
    });
    defer(() => broken.close());
    assert.equal((await refusedStatus(broken.address.port, request)).status, 500);
  });
});

Deno.test("clients that connect and leave before their request is complete release their connections at once, not at handshakeTimeout", async () => {
  await withCleanup(async (defer) => {
    const errors: unknown[] = [];
    const listener = await echoServer({ handshakeTimeout: 60_000, onHandshakeError: (error) => errors.push(error) });
    defer(() => listener.close());
    const clients = 100;
    for (let i = 0; i < clients; i++) {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: listener.address.port });
      if (i % 2 === 1) await conn.write(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: h\r\n"));
      conn.close();
    }
    // A short bounded poll: each is reported as its connection is closed, in the same tick (Deno's test
    // permissions do not reach /proc/self/fd), long before the 60 s deadline.
    for (let i = 0; i < 500 && errors.length < clients; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(errors.length, clients);
    assert.ok(errors.every((error) => (error as FramedError).code === "CONNECTION_RESET"));
  });
});

Deno.test("a connection that sends no request within handshakeTimeout is dropped with TIMEOUT", async () => {
  await withCleanup(async (defer) => {
    const errors: FramedError[] = [];
    const listener = await echoServer({
      handshakeTimeout: 200,
      onHandshakeError: (error) => errors.push(error as FramedError),
    });
    defer(() => listener.close());
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: listener.address.port });
    defer(() => conn.close());
    const started = Date.now();
    assert.equal(await within(conn.read(new Uint8Array(16)), 5000, "the server to drop the silent connection"), null);
    assert.ok(Date.now() - started >= 150);
    assert.equal(errors[0]?.code, "TIMEOUT");
  });
});

Deno.test("keep-alive fails a peer that never answers pings with TIMEOUT and keeps a ponging peer open", async () => {
  await withCleanup(async (defer) => {
    const closes: Promise<CloseInfo>[] = [];
    const listener = await echoServer({ keepAlive: { interval: 100, timeout: 100 } }, (stream) =>
      closes.push(stream.closed),
    );
    defer(() => listener.close());
    const dead = await DenoRawClient.open(listener.address.port); // reads into its buffer, never answers
    defer(() => dead.destroy());
    let pings = 0;
    const alive = await wsClient(defer, listener.url);
    alive.on("ping", () => pings++);
    const info = await within(closes[0], 5000, "the dead connection to be failed");
    assert.equal(info.initiator, "error");
    assert.equal((info.error as FramedError).code, "TIMEOUT");
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.ok(pings >= 2, `the live client got ${pings} pings`);
    alive.send("alive");
    assert.equal((await nextMessage(alive)).data, "alive");
  });
});

Deno.test("with Deno's own WebSocket: text and binary echo, and its close code reaches the server", async () => {
  await withCleanup(async (defer) => {
    const streams: ServerWebSocketStream[] = [];
    const listener = await echoServer({ deflate: true }, (stream) => streams.push(stream));
    defer(() => listener.close());
    const { socket, closed } = await nativeClient(defer, listener.url);
    const replies: unknown[] = [];
    socket.addEventListener("message", (event) => replies.push(event.data));
    socket.send("hello native");
    socket.send(Uint8Array.of(1, 2, 3));
    await within(
      (async () => {
        while (replies.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
      })(),
      5000,
      "two echoes",
    );
    assert.equal(replies[0], "hello native");
    assert.deepEqual(new Uint8Array(replies[1] as ArrayBuffer), Uint8Array.of(1, 2, 3));
    socket.close(4100, "native done");
    assert.equal((await within(closed, 5000, "close")).code, 4100);
    const info = await within(streams[0].closed, 5000, "the server stream");
    assert.deepEqual({ code: info.code, reason: info.reason }, { code: 4100, reason: "native done" });
  });
});

Deno.test("the listener reports address, url and streams; close() says 1001 to every client and resolves once all closed", async () => {
  const listener = await echoServer();
  assert.equal(listener.address.host, "127.0.0.1");
  assert.ok(listener.address.port > 0);
  assert.equal(listener.url, `ws://127.0.0.1:${listener.address.port}/`);
  const first = new globalThis.WebSocket(listener.url);
  const second = new WebSocket(listener.url);
  second.on("error", () => {});
  const firstClosed = new Promise<CloseEvent>((resolve) => first.addEventListener("close", resolve));
  const secondClosed = closeEvent(second);
  const opened = [
    new Promise((resolve) => first.addEventListener("open", resolve)),
    new Promise((resolve) => second.once("open", resolve)),
  ];
  await within(Promise.all(opened), 5000, "both clients to open");
  await within(
    (async () => {
      while (listener.streams.size < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    })(),
    5000,
    "two streams",
  );
  await listener.close();
  assert.equal(listener.streams.size, 0);
  assert.equal((await within(firstClosed, 5000, "native close")).code, 1001);
  assert.equal((await secondClosed).code, 1001);
  await assert.rejects(Deno.connect({ hostname: "127.0.0.1", port: listener.address.port }));
});

Deno.test("bytes that arrive in the same packet as the upgrade request are the first frames", async () => {
  await withCleanup(async (defer) => {
    const listener = await echoServer();
    defer(() => listener.close());
    const client = await DenoRawClient.open(listener.address.port, { extra: frame(0x1, "in the first packet") });
    defer(() => client.destroy());
    assert.equal(new TextDecoder().decode((await client.read()).payload), "in the first packet");
  });
});

Deno.test("listen rejects with CONNECT_FAILED when the port is taken, and bad options with a RangeError", async () => {
  await withCleanup(async (defer) => {
    const listener = await echoServer();
    defer(() => listener.close());
    await assert.rejects(
      listen({ port: listener.address.port }, () => {}),
      (error: FramedError) => error.code === "CONNECT_FAILED",
    );
    await assert.rejects(
      listen({ port: 0 }, () => {}, { maxMessageSize: -1 }),
      RangeError,
    );
    await assert.rejects(
      listen({ port: 0 }, () => {}, { keepAlive: -5 }),
      RangeError,
    );
  });
});
