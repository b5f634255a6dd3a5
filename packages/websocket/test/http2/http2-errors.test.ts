// WebSocket over HTTP/2 when things go wrong: refusals answered on their own stream with the right status,
// handshake deadlines on both sides, and a lost session failing its WebSockets while the pool opens a new one.
import { once } from "node:events";
import * as http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { within } from "@framed/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { attach, connect, Http2SessionPool } from "../../src/node.ts";
import { http2EchoServer, tlsFixture } from "./http2-helpers.ts";

const tls = { ca: tlsFixture.cert };
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** One raw extended CONNECT on a fresh session; resolves with the response fields and body. */
async function rawConnect(port: number, fields: http2.OutgoingHttpHeaders) {
  const session = http2.connect(`https://127.0.0.1:${port}`, { ca: tlsFixture.cert });
  cleanups.push(async () => session.destroy());
  await within(once(session, "remoteSettings"), 5000, "SETTINGS");
  const stream = session.request(
    {
      ":method": "CONNECT",
      ":protocol": "websocket",
      ":scheme": "https",
      ":path": "/",
      ":authority": `127.0.0.1:${port}`,
      "sec-websocket-version": "13",
      ...fields,
    },
    { endStream: false },
  );
  const [response] = (await within(once(stream, "response"), 5000, "the response")) as [
    http2.IncomingHttpHeaders & http2.IncomingHttpStatusHeader,
  ];
  let body = "";
  stream.setEncoding("utf8").on("data", (chunk) => (body += chunk));
  await within(once(stream, "end"), 5000, "the refusal body");
  return { response, body, session };
}

describe("HTTP/2 refusals", () => {
  it("answers a wrong Sec-WebSocket-Version with 400 and the version it speaks; the session stays usable", async () => {
    const errors: unknown[] = [];
    const echo = await http2EchoServer({ onHandshakeError: (error) => errors.push(error) });
    cleanups.push(() => echo.close());
    const { response, body, session } = await rawConnect(echo.port, { "sec-websocket-version": "8" });
    expect(response[":status"]).toBe(400);
    expect(response["sec-websocket-version"]).toBe("13");
    expect(body).toMatch(/Sec-WebSocket-Version must be 13/);
    expect(errors).toHaveLength(1);
    expect(session.closed || session.destroyed).toBe(false);
  });

  it("answers another path with 404 when attach has a path", async () => {
    const echo = await http2EchoServer({ path: "/chat" });
    cleanups.push(() => echo.close());
    const { response } = await rawConnect(echo.port, { ":path": "/other" });
    expect(response[":status"]).toBe(404);
    await expect(connect(`${echo.origin}/other`, { http2: true, tls })).rejects.toMatchObject({ status: 404 });
  });

  it("fails a verify that outlives the handshake timeout with TIMEOUT on the server; the client's CONNECT fails", async () => {
    const errors: unknown[] = [];
    const echo = await http2EchoServer({
      handshakeTimeout: 100,
      verify: () => new Promise(() => {}),
      onHandshakeError: (error) => errors.push(error),
    });
    cleanups.push(() => echo.close());
    await expect(connect(`${echo.origin}/`, { http2: true, tls })).rejects.toMatchObject({
      code: expect.stringMatching(/CONNECTION_RESET|HANDSHAKE_FAILED/),
    });
    expect(errors).toEqual([expect.objectContaining({ code: "TIMEOUT" })]);
  });

  it("answers another path with 404 on a server without a request handler too", async () => {
    const server = http2.createSecureServer(tlsFixture);
    const ws = attach(server, async () => {}, { path: "/chat" });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    cleanups.push(async () => {
      await ws.close();
      server.close();
    });
    const { response } = await rawConnect((server.address() as AddressInfo).port, { ":path": "/other" });
    expect(response[":status"]).toBe(404);
  });
});

describe("HTTP/2 keep-alive", () => {
  it("fails a WebSocket stream whose peer never answers pings with TIMEOUT; the session and a live sibling stay", async () => {
    const closes: Array<Promise<{ initiator: string; error?: { code: string } }>> = [];
    const echo = await http2EchoServer({ keepAlive: { interval: 100, timeout: 400 } }, async (stream) => {
      closes.push(stream.closed as never);
      for await (const message of stream) await stream.send(message);
    });
    cleanups.push(() => echo.close());
    // A raw CONNECT stream: it reads the server's pings but never sends a pong or anything else.
    const session = http2.connect(`https://127.0.0.1:${echo.port}`, { ca: tlsFixture.cert });
    cleanups.push(async () => session.destroy());
    const silent = session.request(
      {
        ":method": "CONNECT",
        ":protocol": "websocket",
        ":scheme": "https",
        ":path": "/",
        ":authority": `127.0.0.1:${echo.port}`,
        "sec-websocket-version": "13",
      },
      { endStream: false },
    );
    silent.on("error", () => {});
    silent.resume();
    await within(once(silent, "response"), 5000, "the CONNECT response");
    const pool = new Http2SessionPool({ tls });
    cleanups.push(() => pool.close());
    const live = await connect(`${echo.origin}/`, { http2: pool });
    const dead = await within(closes[0], 5000, "the silent stream's keep-alive timeout");
    expect(dead).toMatchObject({ initiator: "error", error: { code: "TIMEOUT" } });
    expect(session.closed || session.destroyed).toBe(false);
    await live.send("alive");
    expect((await within(live[Symbol.asyncIterator]().next(), 5000, "echo")).value).toBe("alive");
    await live.close();
  });
});

describe("HTTP/2 client failures", () => {
  it("rejects with TIMEOUT when the server never answers the CONNECT", async () => {
    const server = http2.createSecureServer({ ...tlsFixture, settings: { enableConnectProtocol: true } });
    server.on("stream", () => {}); // takes the stream, never answers
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    cleanups.push(async () => {
      server.close();
    });
    const port = (server.address() as AddressInfo).port;
    const pool = new Http2SessionPool({ tls });
    cleanups.push(() => pool.close());
    await expect(connect(`wss://127.0.0.1:${port}/`, { http2: pool, handshakeTimeout: 150 })).rejects.toMatchObject({
      code: "TIMEOUT",
    });
  });

  it("fails the WebSockets of a lost session and opens a new session for the next connect", async () => {
    const echo = await http2EchoServer();
    cleanups.push(() => echo.close());
    const pool = new Http2SessionPool({ tls });
    cleanups.push(() => pool.close());
    const first = await connect(`${echo.origin}/`, { http2: pool });
    echo.carrierSessions[0]?.destroy();
    const closed = await within(first.closed, 5000, "the WebSocket of the lost session");
    expect(closed.initiator).toBe("error");
    await within(
      (async () => {
        while (pool.size > 0) await new Promise((resolve) => setTimeout(resolve, 10));
      })(),
      5000,
      "the pool forgetting the lost session",
    );
    const second = await connect(`${echo.origin}/`, { http2: pool, http2Fallback: "fail" });
    await second.send("again");
    expect((await within(second[Symbol.asyncIterator]().next(), 5000, "echo")).value).toBe("again");
    expect(echo.carrierSessions[1] === echo.carrierSessions[0]).toBe(false);
    await second.close();
  });
});
