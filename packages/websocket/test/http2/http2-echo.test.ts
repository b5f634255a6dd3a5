// WebSocket over HTTP/2 (RFC 8441) between framed's own client and server: each WebSocket is one stream of a
// shared HTTP/2 session, negotiated by the same handshake code as HTTP/1.1, and ends without touching the others.
import { once } from "node:events";
import * as http2 from "node:http2";
import { within } from "@framed/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { connect, Http2SessionPool, type WebSocketMessageStream } from "../../src/node.ts";
import { type Http2EchoServer, http2EchoServer, tlsFixture } from "./http2-helpers.ts";

const tls = { ca: tlsFixture.cert };
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  // Servers first: a pool's close waits for the WebSockets still open on its sessions.
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function server(options: Parameters<typeof http2EchoServer>[0] = {}): Promise<Http2EchoServer> {
  const started = await http2EchoServer(options);
  cleanups.push(() => started.close());
  return started;
}

function pool(): Http2SessionPool {
  const created = new Http2SessionPool({ tls });
  cleanups.push(() => created.close());
  return created;
}

async function roundTrip(stream: WebSocketMessageStream, message: string | Uint8Array): Promise<unknown> {
  await stream.send(message);
  const next = await within(stream[Symbol.asyncIterator]().next(), 5000, "echo");
  return next.value;
}

describe("WebSocket over HTTP/2", () => {
  it("carries text and binary messages over one extended CONNECT stream with the subprotocol and deflate agreed", async () => {
    const echo = await server({ protocols: ["chat.v2"], deflate: true });
    const stream = await connect(`${echo.origin}/chat`, { http2: true, tls, protocols: ["chat.v1", "chat.v2"] });
    expect(stream.protocol).toBe("chat.v2");
    expect(stream.deflate).not.toBeNull();
    expect(await roundTrip(stream, "hello")).toBe("hello");
    expect(await roundTrip(stream, new Uint8Array([1, 2, 3]))).toEqual(new Uint8Array([1, 2, 3]));
    const large = "x".repeat(300_000);
    expect(await roundTrip(stream, large)).toBe(large);
    const carrier = echo.carriers[0] as http2.ServerHttp2Stream;
    expect(carrier.session?.alpnProtocol).toBe("h2");
    expect(echo.ws.streams.size).toBe(1);
    const [accepted] = echo.ws.streams;
    expect(accepted.request.method).toBe("CONNECT");
    expect(accepted.request.url).toBe("/chat");
    await stream.close();
    expect((await stream.closed).error).toBeUndefined();
  });

  it("runs cleartext h2c on an http2.createServer", async () => {
    const echo = await server({ cleartext: true });
    const stream = await connect(`${echo.origin}/`, { http2: true, http2Fallback: "fail" });
    expect(await roundTrip(stream, "over h2c")).toBe("over h2c");
    expect((echo.carriers[0] as http2.ServerHttp2Stream).session).toBeDefined();
    await stream.close();
  });

  it("serves pages and WebSockets side by side on a server with a request handler (its CONNECT handling stays out of the way)", async () => {
    const echo = await server();
    const shared = pool();
    const stream = await connect(`${echo.origin}/`, { http2: shared });
    const [session] = [...echo.carriers].map((carrier) => (carrier as http2.ServerHttp2Stream).session);
    const client = http2.connect(`https://127.0.0.1:${echo.port}`, { ca: tlsFixture.cert });
    cleanups.push(async () => client.close());
    const page = client.request({ ":path": "/" });
    let body = "";
    page.setEncoding("utf8").on("data", (chunk) => (body += chunk));
    await within(once(page, "end"), 5000, "the page");
    expect(body).toBe("page");
    expect(await roundTrip(stream, "next to a page")).toBe("next to a page");
    expect(session?.closed).toBe(false);
    await stream.close();
  });

  it("keeps HTTP/1.1 upgrades working on the same port with allowHTTP1", async () => {
    const echo = await server();
    const stream = await connect(`${echo.origin}/`, { tls });
    expect(await roundTrip(stream, "over HTTP/1.1")).toBe("over HTTP/1.1");
    expect("session" in echo.carriers[0]).toBe(false);
    await stream.close();
  });

  it("opens 100 WebSockets as streams of one HTTP/2 session; one failing leaves the other 99 echoing", async () => {
    const echo = await server({ maxMessageSize: 1024 });
    const shared = pool();
    const streams = await Promise.all(
      Array.from({ length: 100 }, (_, i) => connect(`${echo.origin}/n${i}`, { http2: shared })),
    );
    expect(shared.size).toBe(1);
    const sessions = new Set(echo.carriers.map((carrier) => (carrier as http2.ServerHttp2Stream).session));
    expect(echo.carriers).toHaveLength(100);
    expect(sessions.size).toBe(1);

    // Too large for the server: it closes that one WebSocket with 1009.
    await streams[42].send("y".repeat(2000));
    const failed = await within(streams[42].closed, 5000, "the oversized stream closing");
    expect(failed.error?.closeCode ?? failed.code).toBe(1009);

    const replies = await Promise.all(
      streams.filter((_, i) => i !== 42).map((stream, i) => roundTrip(stream, `message ${i}`)),
    );
    expect(replies).toEqual(streams.filter((_, i) => i !== 42).map((_, i) => `message ${i}`));
    const [session] = sessions;
    expect(session?.closed).toBe(false);
    await Promise.all(streams.map((stream) => stream.close()));
  });

  it("applies verify: a refused CONNECT rejects with its status and the session serves the next one", async () => {
    const echo = await server({ verify: (request) => request.url !== "/secret" });
    const shared = pool();
    const refused = connect(`${echo.origin}/secret`, { http2: shared });
    await expect(refused).rejects.toMatchObject({ code: "HANDSHAKE_FAILED", status: 403 });
    const stream = await connect(`${echo.origin}/open`, { http2: shared });
    expect(await roundTrip(stream, "after a refusal")).toBe("after a refusal");
    expect(shared.size).toBe(1);
    await stream.close();
  });

  it("closes one WebSocket by ending its stream only: the session and a sibling stay open", async () => {
    const echo = await server();
    const shared = pool();
    const first = await connect(`${echo.origin}/`, { http2: shared });
    const second = await connect(`${echo.origin}/`, { http2: shared });
    await first.close({ code: 4001, reason: "done" });
    expect((await first.closed).error).toBeUndefined();
    expect(await roundTrip(second, "still here")).toBe("still here");
    const firstCarrier = echo.carriers[0] as http2.ServerHttp2Stream;
    const secondCarrier = echo.carriers[1] as http2.ServerHttp2Stream;
    expect(firstCarrier.closed).toBe(true);
    expect(secondCarrier.closed).toBe(false);
    expect(secondCarrier.session?.closed).toBe(false);
    await second.close();
  });
});
