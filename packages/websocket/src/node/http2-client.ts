/**
 * The Node WebSocket client over HTTP/2 (RFC 8441): one extended CONNECT stream on a pooled session per
 * WebSocket, checked by the sans-I/O handshake and wrapped like a socket. Falls back to HTTP/1.1 when the
 * server does not allow extended CONNECT, unless told to fail.
 */
import type * as http2 from "node:http2";
import type * as tls from "node:tls";
import { FramedError } from "@framed/core";
import type { Target } from "../adapter/target.ts";
import type { WebSocketMessageStream } from "../adapter/websocket-stream.ts";
import { createConnectRequest, validateConnectResponse } from "../handshake/extended-connect.ts";
import { HttpHeaders } from "../handshake/http-headers.ts";
import type { HeaderInit } from "../handshake/http-response.ts";
import { websocket } from "../index.ts";
import { Http2SessionPool, type PooledSession, trackStream } from "./http2-session-pool.ts";
import { startKeepAlive } from "./keep-alive.ts";
import {
  type ConnectOptions,
  DEFAULT_HANDSHAKE_TIMEOUT,
  framingOptions,
  keepAliveSettings,
  streamOptions,
  timeoutOption,
} from "./options.ts";
import { socketStream } from "./socket-stream.ts";

/**
 * Open `target` as a stream of an HTTP/2 session from `options.http2` (a pool, or a session of its own
 * for `true`). `http1` is the HTTP/1.1 connect to fall back on, given the TLS options to use.
 */
export async function connectHttp2(
  target: Target,
  options: ConnectOptions & { headers: HeaderInit },
  http1: (tlsOptions: tls.ConnectionOptions | undefined) => Promise<WebSocketMessageStream>,
): Promise<WebSocketMessageStream> {
  const timeout = timeoutOption("handshakeTimeout", options.handshakeTimeout, DEFAULT_HANDSHAKE_TIMEOUT);
  const keepAlive = keepAliveSettings(options.keepAlive);
  if (options.http2Fallback !== undefined && options.http2Fallback !== "http1" && options.http2Fallback !== "fail") {
    throw new TypeError(`http2Fallback must be "http1" or "fail", got ${String(options.http2Fallback)}`);
  }
  websocket(framingOptions(options)); // bad framing options fail before connecting
  const request = createConnectRequest({
    authority: target.host,
    path: target.path,
    scheme: target.secure ? "https" : "http",
    protocols: options.protocols,
    deflate: options.deflate,
    headers: options.headers,
  });
  const shared = options.http2 instanceof Http2SessionPool ? options.http2 : undefined;
  const pool = shared ?? new Http2SessionPool();
  const where = `${target.secure ? "wss" : "ws"}://${target.host}`;
  const started = Date.now();

  let pooled: PooledSession;
  try {
    pooled = await pool.acquire(target, options.tls, timeout);
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

  const left = timeout > 0 ? Math.max(1, timeout - (Date.now() - started)) : 0;
  let stream: http2.ClientHttp2Stream;
  let result: Awaited<ReturnType<typeof openStream>>;
  try {
    stream = pooled.session.request(request.headers, { endStream: false });
    trackStream(pooled, 1);
    stream.once("close", () => trackStream(pooled, -1));
    result = await openStream(stream, request, where, left);
  } catch (error) {
    if (!shared) await pool.close();
    throw error instanceof FramedError
      ? error
      : new FramedError("CONNECT_FAILED", `WebSocket over HTTP/2 to ${where} failed: ${String(error)}`, {
          cause: error,
        });
  }
  const framing = websocket({ ...framingOptions(options), deflate: result.deflate });
  const ws = socketStream(stream, { framing, role: "client", options: streamOptions(options) }, result);
  if (keepAlive) startKeepAlive(stream, () => ws.ping(), keepAlive);
  if (!shared) ws.closed.then(() => pool.close());
  return ws;
}

/** Wait for the answer to one extended CONNECT and check it; the stream is reset on any failure. */
function openStream(
  stream: http2.ClientHttp2Stream,
  request: ReturnType<typeof createConnectRequest>,
  where: string,
  timeout: number,
): Promise<ReturnType<typeof validateConnectResponse>> {
  return new Promise((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const cleanup = () => {
      if (timer !== undefined) clearTimeout(timer);
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
        const result = validateConnectResponse(fields[":status"] ?? 0, HttpHeaders.fromPairs(pairs), request);
        cleanup();
        resolve(result);
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
    if (timeout > 0) {
      timer = setTimeout(
        () => fail(new FramedError("TIMEOUT", `no answer to the WebSocket CONNECT from ${where} within ${timeout} ms`)),
        timeout,
      );
    }
  });
}
