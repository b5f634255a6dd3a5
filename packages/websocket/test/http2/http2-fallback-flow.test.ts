// WebSocket over HTTP/2: the client's fallback to HTTP/1.1 (servers without HTTP/2 or without RFC 8441's
// SETTINGS_ENABLE_CONNECT_PROTOCOL) or its refusal when told to fail, and flow control: a reader that stops
// reading stalls its sender after a bounded number of bytes, in both directions, while sibling streams flow.
import { once } from "node:events";
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import { within } from "@framed/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { attach, connect, Http2SessionPool, type WebSocketMessageStream } from "../../src/node.ts";
import { echo, http2EchoServer, tlsFixture } from "./http2-helpers.ts";

const tls = { ca: tlsFixture.cert };
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function http1Server(secure: boolean): Promise<string> {
  const server = secure ? https.createServer(tlsFixture) : http.createServer();
  const ws = attach(server, echo);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  cleanups.push(async () => {
    await ws.close();
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  });
  return `${secure ? "wss" : "ws"}://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function roundTrip(stream: WebSocketMessageStream, message: string): Promise<unknown> {
  await stream.send(message);
  return (await within(stream[Symbol.asyncIterator]().next(), 5000, "echo")).value;
}

describe("HTTP/2 client fallback", () => {
  it("falls back to HTTP/1.1 against a TLS server that does not speak HTTP/2", async () => {
    const origin = await http1Server(true);
    const stream = await connect(`${origin}/`, { http2: true, tls });
    expect(await roundTrip(stream, "via HTTP/1.1")).toBe("via HTTP/1.1");
    await stream.close();
  });

  it("falls back to HTTP/1.1 against a cleartext HTTP/1.1 server", async () => {
    const origin = await http1Server(false);
    const stream = await connect(`${origin}/`, { http2: true });
    expect(await roundTrip(stream, "via ws://")).toBe("via ws://");
    await stream.close();
  });

  it("fails instead of falling back with http2Fallback: fail", async () => {
    const origin = await http1Server(true);
    await expect(connect(`${origin}/`, { http2: true, http2Fallback: "fail", tls })).rejects.toMatchObject({
      code: "CONNECT_FAILED",
    });
  });

  it("falls back when an HTTP/2 server does not advertise SETTINGS_ENABLE_CONNECT_PROTOCOL, or fails if told to", async () => {
    const echoServer = await http2EchoServer();
    cleanups.push(() => echoServer.close());
    echoServer.server.updateSettings({ enableConnectProtocol: false });
    const pool = new Http2SessionPool({ tls });
    cleanups.push(() => pool.close());
    const stream = await connect(`${echoServer.origin}/`, { http2: pool });
    expect(await roundTrip(stream, "fell back")).toBe("fell back");
    expect("session" in echoServer.carriers[0]).toBe(false); // an HTTP/1.1 socket, not an HTTP/2 stream
    expect(pool.size).toBe(0); // the session without the setting was not kept
    await stream.close();
    await expect(connect(`${echoServer.origin}/`, { http2: pool, http2Fallback: "fail" })).rejects.toThrow(
      /SETTINGS_ENABLE_CONNECT_PROTOCOL/,
    );
  });
});

/** Poll `value` until it stops changing for `quiet` polls (bounded by `limit` ms); returns the settled value. */
async function settled(value: () => number, quiet = 10, limit = 5000): Promise<number> {
  const deadline = Date.now() + limit;
  let last = -1;
  let same = 0;
  while (same < quiet && Date.now() < deadline) {
    const now = value();
    same = now === last ? same + 1 : 0;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return last;
}

const CHUNK = 256 * 1024;
const TOTAL = 40; // 10 MiB if nothing held the sender back

describe("HTTP/2 flow control", () => {
  it("stalls a server's sends to a client that stopped reading, while a sibling stream keeps echoing", async () => {
    let sent = 0;
    const echoServer = await http2EchoServer({ maxMessageSize: 1024 * 1024 }, async (stream) => {
      if (stream.request.url !== "/flood") return echo(stream);
      for (let i = 0; i < TOTAL; i++) {
        await stream.send(new Uint8Array(CHUNK).fill(i));
        sent++;
      }
    });
    cleanups.push(() => echoServer.close());
    const pool = new Http2SessionPool({ tls });
    cleanups.push(() => pool.close());
    const flood = await connect(`${echoServer.origin}/flood`, {
      http2: pool,
      readableHighWaterMark: 2,
      maxMessageSize: 1024 * 1024,
    });
    const stalledAt = await settled(() => sent);
    // Bounded by the client's 2 queued messages, the HTTP/2 stream window and the server's 1 MiB send buffer.
    expect(stalledAt).toBeLessThan(16);
    const sibling = await connect(`${echoServer.origin}/`, { http2: pool });
    expect(await roundTrip(sibling, "not blocked")).toBe("not blocked");
    expect(pool.size).toBe(1);

    let received = 0;
    for await (const message of flood) {
      expect((message as Uint8Array)[0]).toBe(received);
      if (++received === TOTAL) break;
    }
    expect(sent).toBe(TOTAL);
    await sibling.close();
  });

  it("stalls a client's sends to a server that stopped reading", async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let received = 0;
    const echoServer = await http2EchoServer(
      { maxMessageSize: 1024 * 1024, readableHighWaterMark: 2 },
      async (stream) => {
        await released;
        for await (const _ of stream) if (++received === TOTAL) break;
      },
    );
    cleanups.push(() => echoServer.close());
    const stream = await connect(`${echoServer.origin}/`, { http2: true, tls, maxMessageSize: 1024 * 1024 });
    let sent = 0;
    const sending = (async () => {
      for (let i = 0; i < TOTAL; i++) {
        await stream.send(new Uint8Array(CHUNK));
        sent++;
      }
    })();
    const stalledAt = await settled(() => sent);
    expect(stalledAt).toBeLessThan(16);
    release();
    await within(sending, 10_000, "the client's sends after the server reads again");
    await within(
      (async () => {
        while (received < TOTAL) await new Promise((resolve) => setTimeout(resolve, 10));
      })(),
      10_000,
      "the server reading everything",
    );
    await stream.close();
  });
});
