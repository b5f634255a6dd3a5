/**
 * The Node WebSocket client over HTTP/2 (RFC 8441): one extended CONNECT stream on a pooled session per
 * WebSocket, checked by the sans-I/O handshake and wrapped like a socket. Falls back to HTTP/1.1 when the
 * server does not allow extended CONNECT, unless told to fail.
 */
import type * as http2 from "node:http2";
import type * as tls from "node:tls";
import { FramedError } from "@framed/core";
import { ClientConnectHttp2 } from "../adapter/client-connect.ts";
import type { StreamOpening } from "../adapter/open-stream.ts";
import { type OpeningDeadline, openingDeadline } from "../adapter/open-stream.ts";
import type { Target } from "../adapter/target.ts";
import type { WebSocketMessageStream } from "../adapter/websocket-connection.ts";
import { HttpHeaders } from "../handshake/http-headers.ts";
import { Http2SessionPool, type PooledSession, trackStream } from "./http2-session-pool.ts";
import type { ConnectOptions } from "./options.ts";
import { socketStream } from "./upgrade.ts";

/**
 * Open `target` as a stream of an HTTP/2 session from `options.http2` (a pool, or a session of its own
 * for `true`). `http1` is the HTTP/1.1 connect to fall back on, given the TLS options to use.
 */
export async function connectHttp2(
  target: Target,
  options: ConnectOptions,
  http1: (tlsOptions: tls.ConnectionOptions | undefined) => Promise<WebSocketMessageStream>,
): Promise<WebSocketMessageStream> {
  if (options.http2Fallback !== undefined && options.http2Fallback !== "http1" && options.http2Fallback !== "fail") {
    throw new TypeError(`http2Fallback must be "http1" or "fail", got ${String(options.http2Fallback)}`);
  }
  const handshake = new ClientConnectHttp2(target, options);
  const { where } = handshake;
  const shared = options.http2 instanceof Http2SessionPool ? options.http2 : undefined;
  const pool = shared ?? new Http2SessionPool();

  let pooled: PooledSession;
  try {
    pooled = await pool.acquire(target, options.tls, handshake.timeout);
  } catch (error) {
    if (options.http2Fallback === "fail") throw error;
    return http1(pool.tlsFor(options.tls));
  }
  if (!pooled.connectProtocol) {
    if (!shared) await pool.close();
    if (options.http2Fallback !== "fail") return http1(pool.tlsFor(options.tls));
    throw new FramedError(
      "HANDSHAKE_FAILED",
      `${where} speaks HTTP/2 but does not allow WebSocket over it (no SETTINGS_ENABLE_CONNECT_PROTOCOL)`,
    );
  }

  let stream: http2.ClientHttp2Stream;
  let opening: StreamOpening;
  try {
    stream = pooled.session.request(handshake.fields, { endStream: false });
    trackStream(pooled, 1);
    stream.once("close", () => trackStream(pooled, -1));
    opening = await openStream(stream, handshake);
  } catch (error) {
    if (!shared) await pool.close();
    throw error instanceof FramedError
      ? error
      : new FramedError("CONNECT_FAILED", `WebSocket over HTTP/2 to ${where} failed: ${String(error)}`, {
          cause: error,
        });
  }
  const ws = socketStream(stream, opening);
  if (!shared) ws.closed.then(() => pool.close());
  return ws;
}

/**
 * Wait for the answer to one extended CONNECT and check it, with the opening clock keeping what is left of
 * the handshake's deadline (at least 1 ms); the stream is reset on any failure.
 */
function openStream(stream: http2.ClientHttp2Stream, handshake: ClientConnectHttp2): Promise<StreamOpening> {
  const { where } = handshake;
  return new Promise((resolve, reject) => {
    let clock: OpeningDeadline | undefined;
    const cleanup = () => {
      clock?.stop();
      stream.off("response", onResponse);
      stream.off("error", onError);
      stream.off("close", onClose);
    };
    const fail = (error: FramedError) => {
      cleanup();
      stream.on("error", () => {}); // late errors of a stream we are discarding
      stream.destroy();
      reject(error);
    };
    const onResponse = (fields: http2.IncomingHttpHeaders & http2.IncomingHttpStatusHeader) => {
      const pairs: string[] = [];
      for (const [name, value] of Object.entries(fields)) {
        if (name.startsWith(":") || value === undefined) continue;
        for (const one of Array.isArray(value) ? value : [value]) pairs.push(name, String(one));
      }
      try {
        const opening = handshake.respond(fields[":status"] ?? 0, HttpHeaders.fromPairs(pairs));
        cleanup();
        resolve(opening);
      } catch (error) {
        fail(error as FramedError);
      }
    };
    const onError = (error: Error) =>
      fail(
        new FramedError("CONNECTION_RESET", `WebSocket stream to ${where} failed: ${error.message}`, { cause: error }),
      );
    const onClose = () =>
      fail(
        new FramedError("HANDSHAKE_FAILED", `${where} closed the HTTP/2 stream before answering the WebSocket CONNECT`),
      );
    stream.on("response", onResponse);
    stream.on("error", onError);
    stream.on("close", onClose);
    clock = openingDeadline(handshake, () => fail(handshake.expire()));
  });
}
