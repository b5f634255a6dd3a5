/**
 * The Deno WebSocket client over our own protocol core: `connect("ws://…" | "wss://…")` opens TCP
 * (`Deno.connect`) or TLS (`Deno.connectTls`), sends the upgrade request, checks the 101 with the sans-I/O
 * handshake, and wraps the connection as a WebSocket stream. The same flow as the Node `connect`.
 */
import { FramedError, trustedCertificates } from "@framed/core";
import {
  DEFAULT_HANDSHAKE_TIMEOUT,
  framingOptions,
  keepAliveSettings,
  streamOptions,
  timeoutOption,
} from "../adapter/options.ts";
import { parseTarget, requestHeaders, type Target } from "../adapter/target.ts";
import type { WebSocketMessageStream } from "../adapter/websocket-stream.ts";
import { createClientHandshake, validateUpgradeResponse } from "../handshake/client-handshake.ts";
import { HttpHeadReader, parseResponseHead } from "../handshake/http-head.ts";
import { sha1 } from "../handshake/sha1.ts";
import { websocket } from "../index.ts";
import { closeQuietly, readHead, writeAll } from "./conn-io.ts";
import { connStream } from "./conn-stream.ts";
import { type DenoConn, denoRuntime } from "./deno-api.ts";
import { WatchedConn } from "./keep-alive.ts";
import type { ConnectOptions } from "./options.ts";

/**
 * Open a WebSocket connection over Deno TCP or TLS, permessage-deflate offered by default. Resolves once
 * the server's 101 is checked; a refusal rejects with `FramedError` `HANDSHAKE_FAILED` carrying the HTTP
 * `status`, a slow server with `TIMEOUT`, an unreachable one with `CONNECT_FAILED`.
 *
 * @example
 * ```ts
 * import { connect } from "@framed/websocket/deno";
 * const stream = await connect("ws://127.0.0.1:8080/chat", { protocols: ["chat.v2"] });
 * await stream.send("hello");
 * for await (const message of stream) console.log(message);
 * ```
 */
export async function connect(url: string | URL, options: ConnectOptions = {}): Promise<WebSocketMessageStream> {
  const target = parseTarget(url);
  const timeout = timeoutOption("handshakeTimeout", options.handshakeTimeout, DEFAULT_HANDSHAKE_TIMEOUT);
  const keepAlive = keepAliveSettings(options.keepAlive);
  const framing = framingOptions(options);
  websocket(framing); // bad framing options fail before connecting
  const handshake = createClientHandshake({
    host: target.host,
    path: target.path,
    protocols: options.protocols,
    deflate: options.deflate,
    headers: requestHeaders(options.headers, target.authorization),
    sha1,
  });
  const where = `${target.secure ? "wss" : "ws"}://${target.host}`;

  let conn: DenoConn | undefined;
  let timedOut: FramedError | undefined;
  let expire!: (error: FramedError) => void;
  const expired = new Promise<never>((_, reject) => (expire = reject));
  expired.catch(() => {});
  const timer =
    timeout > 0
      ? setTimeout(() => {
          timedOut = new FramedError("TIMEOUT", `no WebSocket handshake response from ${where} within ${timeout} ms`);
          expire(timedOut);
          if (conn) closeQuietly(conn);
        }, timeout)
      : undefined;
  try {
    const opening = open(target, options);
    conn = await Promise.race([opening, expired]).catch((error) => {
      // A connection that opens after the deadline is closed at once.
      opening.then(closeQuietly, () => {});
      throw error;
    });
    let rest: Uint8Array;
    let result: ReturnType<typeof validateUpgradeResponse>;
    try {
      await writeAll(conn, handshake.request);
      const head = await readHead(conn, new HttpHeadReader("response", options.maxHeaderSize));
      if (!head) {
        throw new FramedError(
          "HANDSHAKE_FAILED",
          `${where} closed the connection before completing the WebSocket handshake`,
        );
      }
      rest = head.rest;
      result = validateUpgradeResponse(parseResponseHead(head.text), handshake, rest);
    } catch (error) {
      closeQuietly(conn);
      if (timedOut) throw timedOut;
      if (error instanceof FramedError) throw error;
      throw new FramedError(
        "CONNECTION_RESET",
        `WebSocket connection to ${where} failed: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    if (timedOut) throw timedOut;
    clearTimeout(timer);
    const watched = keepAlive ? new WatchedConn(conn) : undefined;
    const setup = {
      framing: websocket({ ...framing, deflate: result.deflate }),
      role: "client",
      options: streamOptions(options),
      head: rest,
    } as const;
    const stream = connStream(watched ?? conn, setup, { ...result, upgradeResponse: result.response });
    if (watched && keepAlive) {
      const stop = watched.keepAlive(() => stream.heartbeat(), keepAlive);
      stream.closed.then(stop, stop);
    }
    return stream;
  } finally {
    clearTimeout(timer);
  }
}

/** Dial the target: TCP for `ws:`, TLS (HTTP/1.1 by ALPN) for `wss:`. */
async function open(target: Target, options: ConnectOptions): Promise<DenoConn> {
  const deno = denoRuntime();
  try {
    if (!target.secure) return await deno.connect({ hostname: target.hostname, port: target.port });
    const conn = await deno.connectTls({
      hostname: target.hostname,
      port: target.port,
      alpnProtocols: ["http/1.1"],
      ...trusting(trustedCertificates({ ca: options.tls?.ca, caCerts: options.caCerts })),
    });
    try {
      // Deno shakes hands lazily; doing it here makes a bad certificate CONNECT_FAILED, as on Node.
      await conn.handshake();
    } catch (error) {
      closeQuietly(conn);
      throw error;
    }
    return conn;
  } catch (error) {
    throw new FramedError(
      "CONNECT_FAILED",
      `WebSocket connection to ${target.secure ? "wss" : "ws"}://${target.host} failed: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

function trusting(caCerts: string[] | undefined): { caCerts?: string[] } {
  return caCerts === undefined ? {} : { caCerts };
}
