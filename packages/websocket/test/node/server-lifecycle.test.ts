// The Node server around the handshake: refusals on a real socket, handshake timeout, async verify,
// keep-alive pings that fail a dead peer, and handleUpgrade used directly from an http server.

import { once } from "node:events";
import * as http from "node:http";
import * as net from "node:net";
import { type CloseInfo, FramedError } from "@framed/core";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { handleUpgrade, listen, type ServerWebSocketStream } from "../../src/node.ts";
import { echoServer, frame, RawClient, within } from "./helpers.ts";

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(
  options: Parameters<typeof echoServer>[0] = {},
  onStream?: (stream: ServerWebSocketStream) => void,
) {
  const listener = await echoServer(options, onStream);
  cleanups.push(() => listener.close());
  return listener;
}

/** Resolves once `count()` reaches `target`, checking every 10 ms (bounded by the caller's `within`). */
async function untilCount(count: () => number, target: number): Promise<void> {
  for (let i = 0; i < 1000 && count() < target; i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

async function refusedStatus(
  port: number,
  request: string,
): Promise<{ status: number; response: string; body: string }> {
  const client = await RawClient.open(port, { request, expectUpgrade: false });
  cleanups.push(() => client.destroy());
  const body = await client.body();
  return { status: Number(client.response.split(" ")[1]), response: client.response, body };
}

/** Echo until the stream ends; a torn-down test connection ends it with an error, reported by `closed`. */
async function echo(stream: ServerWebSocketStream): Promise<void> {
  try {
    for await (const message of stream) await stream.send(message);
  } catch {
    // See stream.closed.
  }
}

const GOOD_FIELDS =
  "Host: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";

describe("refusals on a real socket", () => {
  // Rows are [what, status, request] so the title's %s and %i pick the name and the status, in that order.
  it.each([
    ["a POST", 405, `POST / HTTP/1.1\r\n${GOOD_FIELDS}Sec-WebSocket-Version: 13\r\n\r\n`],
    ["version 8", 426, `GET / HTTP/1.1\r\n${GOOD_FIELDS}Sec-WebSocket-Version: 8\r\n\r\n`],
    ["a plain GET", 426, "GET / HTTP/1.1\r\nHost: h\r\n\r\n"],
    [
      "a short key",
      400,
      `GET / HTTP/1.1\r\n${GOOD_FIELDS.replace("dGhlIHNhbXBsZSBub25jZQ==", "c2hvcnQ=")}Sec-WebSocket-Version: 13\r\n\r\n`,
    ],
    ["a garbage request line", 400, "HELLO\r\n\r\n"],
  ] as const)("answers %s with %i, a reason in the body, and closes", async (_, status, request) => {
    const listener = await server();
    const refused = await refusedStatus(listener.address.port, request);
    expect(refused.status).toBe(status);
    expect(refused.body.length).toBeGreaterThan(0);
    if (status === 426) expect(refused.response).toContain("Sec-WebSocket-Version: 13");
  });

  it("answers a head over maxHeaderSize with 431", async () => {
    const listener = await server({ maxHeaderSize: 1024 });
    const refused = await refusedStatus(listener.address.port, `GET / HTTP/1.1\r\nX-Big: ${"a".repeat(2000)}\r\n\r\n`);
    expect(refused.status).toBe(431);
  });

  it("answers another path with 404 when a path is set", async () => {
    const listener = await server({ path: "/ws" });
    const refused = await refusedStatus(
      listener.address.port,
      `GET /other HTTP/1.1\r\n${GOOD_FIELDS}Sec-WebSocket-Version: 13\r\n\r\n`,
    );
    expect(refused.status).toBe(404);
  });

  it("reports each refused handshake to onHandshakeError with its status", async () => {
    const errors: unknown[] = [];
    const listener = await server({ onHandshakeError: (error) => errors.push(error) });
    await refusedStatus(listener.address.port, `GET / HTTP/1.1\r\n${GOOD_FIELDS}Sec-WebSocket-Version: 7\r\n\r\n`);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(FramedError);
    expect((errors[0] as FramedError).status).toBe(426);
  });

  it("refuses with 403 when verify returns false and 500 when it throws", async () => {
    const forbidden = await server({ verify: () => false });
    expect(
      (await refusedStatus(forbidden.address.port, `GET / HTTP/1.1\r\n${GOOD_FIELDS}Sec-WebSocket-Version: 13\r\n\r\n`))
        .status,
    ).toBe(403);
    const broken = await server({
      verify: () => {
        throw new Error("database down");
      },
    });
    expect(
      (await refusedStatus(broken.address.port, `GET / HTTP/1.1\r\n${GOOD_FIELDS}Sec-WebSocket-Version: 13\r\n\r\n`))
        .status,
    ).toBe(500);
  });
});

describe("handshake timing", () => {
  it("closes a connection that sends no request within handshakeTimeout", async () => {
    const listener = await server({ handshakeTimeout: 200 });
    const socket = net.connect({ host: "127.0.0.1", port: listener.address.port });
    cleanups.push(() => socket.destroy());
    socket.on("error", () => {});
    const started = Date.now();
    await within(once(socket, "close"), 5000, "the server to drop the silent connection");
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  it("waits for an async verify, then upgrades", async () => {
    const listener = await server({
      verify: async (request) => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        return request.headers.get("authorization") === "Bearer ok" || { status: 401, reason: "token required" };
      },
    });
    const client = new WebSocket(listener.url, { headers: { Authorization: "Bearer ok" } });
    client.on("error", () => {});
    cleanups.push(() => client.terminate());
    await within(once(client, "open"), 5000, "open");
    const refused = new WebSocket(listener.url);
    refused.on("error", () => {});
    cleanups.push(() => refused.terminate());
    const [, response] = (await within(once(refused, "unexpected-response"), 5000, "refusal")) as [
      unknown,
      http.IncomingMessage,
    ];
    expect(response.statusCode).toBe(401);
  });

  it("drops a connection whose verify outlasts handshakeTimeout", async () => {
    const listener = await server({ handshakeTimeout: 200, verify: () => new Promise<true>(() => {}) });
    const raw = net.connect({ host: "127.0.0.1", port: listener.address.port });
    cleanups.push(() => raw.destroy());
    raw.on("error", () => {});
    raw.write(`GET / HTTP/1.1\r\n${GOOD_FIELDS}Sec-WebSocket-Version: 13\r\n\r\n`);
    await within(once(raw, "close"), 5000, "the server to drop the connection");
  });

  it("reports TIMEOUT for a verify outlasting the deadline, and CONNECTION_RESET for a client leaving during verify", async () => {
    const failures: unknown[] = [];
    const listener = await server({
      handshakeTimeout: 300,
      verify: () => new Promise<true>(() => {}),
      onHandshakeError: (error) => failures.push(error),
    });
    const request = `GET / HTTP/1.1\r\n${GOOD_FIELDS}Sec-WebSocket-Version: 13\r\n\r\n`;
    const leaving = net.connect({ host: "127.0.0.1", port: listener.address.port });
    leaving.on("error", () => {});
    leaving.write(request, () => setTimeout(() => leaving.resetAndDestroy(), 50)); // a reset: a FIN waits in the paused socket
    const staying = net.connect({ host: "127.0.0.1", port: listener.address.port });
    cleanups.push(() => staying.destroy());
    staying.on("error", () => {});
    staying.write(request);
    await within(once(staying, "close"), 5000, "the server to drop the connection at its deadline");
    await within(
      untilCount(() => failures.length, 2),
      5000,
      "both failures to be reported",
    );
    const codes = failures.map((error) => (error as FramedError).code).sort();
    expect(codes).toEqual(["CONNECTION_RESET", "TIMEOUT"]);
    expect(listener.streams.size).toBe(0);
  });
});

describe("keep-alive", () => {
  it("fails a peer that never answers pings with TIMEOUT, leaving other connections alone", async () => {
    let deadClosed: Promise<CloseInfo> | undefined;
    const listener = await server({ keepAlive: { interval: 100, timeout: 100 } }, (stream) => {
      deadClosed ??= stream.closed;
    });
    const dead = await RawClient.open(listener.address.port);
    cleanups.push(() => dead.destroy());
    dead.socket.pause(); // reads nothing, answers nothing
    await within(
      (async () => {
        while (!deadClosed) await new Promise((resolve) => setTimeout(resolve, 10));
      })(),
      2000,
      "the stream",
    );
    const alive = new WebSocket(listener.url);
    alive.on("error", () => {});
    cleanups.push(() => alive.terminate());
    await within(once(alive, "open"), 5000, "open");
    const info = await within(deadClosed!, 5000, "the dead connection to be failed");
    expect(info.initiator).toBe("error");
    expect(info.error?.code).toBe("TIMEOUT");
    // The live connection answers keep-alive pings through further intervals (counted, not slept for).
    let alivePings = 0;
    alive.on("ping", () => alivePings++);
    await within(
      untilCount(() => alivePings, 2),
      5000,
      "two more keep-alive pings to the live client",
    );
    const echo = within(
      new Promise<string>((resolve) => alive.once("message", (data) => resolve(String(data)))),
      5000,
      "echo",
    );
    alive.send("alive");
    expect(await echo).toBe("alive");
  });

  it("keeps a peer that answers pings (ws pongs automatically) open past several intervals", async () => {
    let pings = 0;
    const listener = await server({ keepAlive: 50 });
    const client = new WebSocket(listener.url);
    client.on("error", () => {});
    cleanups.push(() => client.terminate());
    client.on("ping", () => pings++);
    await within(once(client, "open"), 5000, "open");
    // Three intervals' pings, answered: whatever the scheduler's delays, the connection must still be open.
    await within(
      untilCount(() => pings, 3),
      5000,
      "three keep-alive pings",
    );
    expect(client.readyState).toBe(WebSocket.OPEN);
  });
});

describe("handleUpgrade on an http server", () => {
  it("upgrades from a user's own upgrade handler and rejects a bad request with its status", async () => {
    const results: Array<ServerWebSocketStream | FramedError> = [];
    const server = http.createServer();
    server.on("upgrade", (req, socket, head) => {
      handleUpgrade(req, socket, head, { protocols: ["p1"] }).then(
        async (stream) => {
          results.push(stream);
          await echo(stream);
        },
        (error: FramedError) => results.push(error),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const { port } = server.address() as net.AddressInfo;

    const client = new WebSocket(`ws://127.0.0.1:${port}/x`, ["p1"]);
    client.on("error", () => {});
    cleanups.push(() => client.terminate());
    await within(once(client, "open"), 5000, "open");
    const echoed = within(
      new Promise<string>((resolve) => client.once("message", (data) => resolve(String(data)))),
      5000,
      "echo",
    );
    client.send("via handleUpgrade");
    expect(await echoed).toBe("via handleUpgrade");
    expect((results[0] as ServerWebSocketStream).protocol).toBe("p1");

    const raw = await RawClient.open(port, {
      request: `GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      expectUpgrade: false,
    });
    cleanups.push(() => raw.destroy());
    expect(raw.response.startsWith("HTTP/1.1 400 ")).toBe(true);
    await raw.closedByServer();
    expect(results[1]).toBeInstanceOf(FramedError);
    expect((results[1] as FramedError).status).toBe(400);
  });

  it("parses frames that came in the same packet as the upgrade request (the `head` argument)", async () => {
    const server = http.createServer();
    server.on("upgrade", async (req, socket, head) => {
      await echo(await handleUpgrade(req, socket, head));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const { port } = server.address() as net.AddressInfo;
    const raw = await RawClient.open(port, { extra: frame(0x1, "in the first packet") });
    cleanups.push(() => raw.destroy());
    expect((await raw.read()).payload.toString()).toBe("in the first packet");
  });
});

describe("what an accepted stream keeps", () => {
  const CHAT_REQUEST =
    "GET /chat?room=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nX-Token: abc\r\n" +
    "Sec-WebSocket-Protocol: chat.v2, chat.v1\r\n\r\n";

  function firstStream(options: Parameters<typeof echoServer>[0] = {}) {
    let resolveStream!: (stream: ServerWebSocketStream) => void;
    const accepted = new Promise<ServerWebSocketStream>((resolve) => {
      resolveStream = resolve;
    });
    return { accepted, listening: server(options, (stream) => resolveStream(stream)) };
  }

  it("stream.request reads the upgrade request back, parsed, after the connection has carried messages", async () => {
    const { accepted, listening } = firstStream();
    const raw = await RawClient.open((await listening).address.port, { request: CHAT_REQUEST });
    cleanups.push(() => raw.destroy());
    const stream = await within(accepted, 5000, "the stream");
    // Past the handshake by a whole exchange: the echo proves the stream has been decoding frames since.
    raw.send(frame(0x1, "traffic"));
    expect((await raw.read()).payload.toString()).toBe("traffic");
    expect(stream.request.url).toBe("/chat?room=1");
    expect(stream.request.method).toBe("GET");
    expect(stream.request.headers.get("x-token")).toBe("abc");
    expect(stream.request.protocols).toEqual(["chat.v2", "chat.v1"]);
    expect(stream.request).toBe(stream.request);
  });

  it("with verify, stream.request is the very object verify saw (what it attached stays)", async () => {
    let seen: object | undefined;
    const { accepted, listening } = firstStream({
      verify: (request) => {
        seen = request;
        (request as unknown as { user: string }).user = "ada";
        return true;
      },
    });
    const raw = await RawClient.open((await listening).address.port, { request: CHAT_REQUEST });
    cleanups.push(() => raw.destroy());
    const stream = await within(accepted, 5000, "the stream");
    expect(stream.request).toBe(seen);
    expect((stream.request as unknown as { user: string }).user).toBe("ada");
  });

  it("with an async verify, frames sent in the request's packet are read once the stream exists", async () => {
    const listener = await server({
      verify: () => new Promise<true>((resolve) => setTimeout(() => resolve(true), 50)),
    });
    const raw = await RawClient.open(listener.address.port, { extra: frame(0x1, "sent with the request") });
    cleanups.push(() => raw.destroy());
    expect((await raw.read()).payload.toString()).toBe("sent with the request");
  });

  it("listener.streams forgets a stream by the time its closed promise resolves", async () => {
    const { accepted, listening } = firstStream();
    const listener = await listening;
    const raw = await RawClient.open(listener.address.port);
    cleanups.push(() => raw.destroy());
    const stream = await within(accepted, 5000, "the stream");
    expect(listener.streams.has(stream)).toBe(true);
    raw.destroy();
    await within(stream.closed, 5000, "the stream to close");
    expect(listener.streams.has(stream)).toBe(false);
    expect(listener.streams.size).toBe(0);
  });
});

describe("listen", () => {
  it.each([
    ["a negative maxMessageSize", { maxMessageSize: -1 }],
    ["a negative keepAlive interval", { keepAlive: -5 }],
    ["a negative handshakeTimeout", { handshakeTimeout: -1 }],
    ["an 8-bit server deflate window (zlib cannot compress with it)", { deflate: { serverMaxWindowBits: 8 } }],
  ])("rejects %s with a RangeError before listening", async (_, options) => {
    await expect(listen({ port: 0 }, () => {}, options)).rejects.toThrow(RangeError);
  });

  it("rejects with CONNECT_FAILED when the port is taken", async () => {
    const first = await server();
    await expect(listen({ port: first.address.port }, () => {})).rejects.toMatchObject({ code: "CONNECT_FAILED" });
  });
});
