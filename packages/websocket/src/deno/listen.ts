/**
 * A WebSocket server on `Deno.listen`: reads each upgrade request off the raw connection with the
 * sans-I/O head reader, answers it (101 or a refusal), and hands each stream to the handler. The same
 * flow as the Node `listen`, with a `Deno.Conn` instead of a `net.Socket`.
 */
import { FramedError, type HostAddress, hostOf, type Listener, type StreamHandler, StreamRegistry } from "@framed/core";
import {
  decideUpgrade,
  framingFor,
  pathMatches,
  requestToKeep,
  type UpgradeSettings,
  upgradeSettings,
} from "../adapter/server-handshake-driver.ts";
import type { ServerWebSocketStream } from "../adapter/websocket-stream.ts";
import { HttpHeadReader, parseRequestHead } from "../handshake/http-head.ts";
import { type ServerHandshake, type UpgradeRequest, validateUpgradeRequest } from "../handshake/server-handshake.ts";
import { sha1 } from "../handshake/sha1.ts";
import { closeQuietly, readHead, refuseConn, writeAll } from "./conn-io.ts";
import { connStream } from "./conn-stream.ts";
import { type DenoConn, type DenoListener, denoRuntime } from "./deno-api.ts";
import { WatchedConn } from "./keep-alive.ts";
import type { ListenServerOptions } from "./options.ts";

/**
 * Where to listen: `{ host, port }` as on every runtime (`host` defaults to 127.0.0.1, `port` 0 picks a free
 * port; `hostname` is a deprecated alias of `host`).
 */
export type ListenAddress = HostAddress;

/** A listening WebSocket server. */
export interface WebSocketListener extends Listener<string | Uint8Array> {
  readonly streams: ReadonlySet<ServerWebSocketStream>;
  /** `ws://host:port/` (`wss://` with `tls`; IPv6 hosts in brackets). */
  readonly url: string;
  /** The underlying `Deno.Listener` (as Node's listener has its `net.Server`). */
  readonly server: DenoListener;
  /**
   * The same as `server`.
   *
   * @deprecated Use `server`, the one name across runtimes. `listener` goes away in the next minor version.
   */
  readonly listener: DenoListener;
}

/** One connection still in its opening handshake; `cancel` cuts it (timeout, server closing). */
interface Handshaking {
  cancel(error: FramedError): void;
}

/**
 * Listen for WebSocket connections with `Deno.listen` and hand each one to `onStream`. Requests that are
 * not valid upgrades are answered (400, 404, 405, 426, 431…) and closed; other connections never notice.
 * `close()` stops listening and closes every stream with 1001 (going away).
 *
 * @example
 * ```ts
 * import { listen } from "@framed/websocket/deno";
 * const server = await listen({ port: 8080 }, async (stream) => {
 *   for await (const message of stream) await stream.send(message);
 * }, { deflate: true, keepAlive: 30_000 });
 * console.log("listening on", server.url);
 * const secure = await listen({ port: 8443 }, handler, { tls: { cert, key } }); // wss://127.0.0.1:8443/
 * ```
 */
export async function listen(
  address: ListenAddress,
  onStream: StreamHandler<string | Uint8Array, ServerWebSocketStream, DenoConn>,
  options: ListenServerOptions = {},
): Promise<WebSocketListener> {
  const settings = upgradeSettings(options);
  const hostname = hostOf(address);
  const secure = options.tls;
  let listener: DenoListener;
  try {
    listener =
      secure === undefined
        ? denoRuntime().listen({ hostname, port: address.port })
        : denoRuntime().listenTls({
            hostname,
            port: address.port,
            cert: secure.cert,
            key: secure.key,
            alpnProtocols: ["http/1.1"],
          });
  } catch (error) {
    throw new FramedError(
      "CONNECT_FAILED",
      `could not listen on ${hostname}:${address.port}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const registry = new StreamRegistry<string | Uint8Array>(options);
  const handshaking = new Set<Handshaking>();
  const pending = new Set<Promise<void>>();
  let stopped = false;

  const accept = (conn: DenoConn) => {
    const running = upgradeConn(conn, settings, handshaking).then(
      (stream) => registry.accept(stream, onStream, conn),
      () => {}, // already reported to onHandshakeError
    );
    pending.add(running);
    running.finally(() => pending.delete(running));
  };
  const accepting = (async () => {
    try {
      for await (const conn of listener) accept(conn);
    } catch (error) {
      if (!stopped) console.error("framed: the listener stopped accepting connections:", error);
    }
  })();

  const bound = listener.addr;
  const urlHost = bound.hostname.includes(":") ? `[${bound.hostname}]` : bound.hostname;
  return {
    server: listener,
    listener,
    address: { host: bound.hostname, port: bound.port },
    url: `${secure === undefined ? "ws" : "wss"}://${urlHost}:${bound.port}/`,
    // Only ServerWebSocketStreams are ever accepted into this registry.
    streams: registry.streams as unknown as ReadonlySet<ServerWebSocketStream>,
    close: async (closeOptions) => {
      if (!stopped) {
        stopped = true;
        listener.close();
      }
      const goingAway = new FramedError("CONNECTION_RESET", "the server closed during the WebSocket handshake");
      for (const connection of handshaking) connection.cancel(goingAway);
      await accepting;
      await Promise.all(pending);
      await registry.closeAll({ code: 1001, reason: "server going away", ...closeOptions });
    },
  };
}

/**
 * Take one connection through the opening handshake: read and check the request, verify, answer, and
 * wrap. Refusals are answered on the connection and rejected with as `HANDSHAKE_FAILED` with the status.
 */
async function upgradeConn(
  conn: DenoConn,
  settings: UpgradeSettings,
  handshaking: Set<Handshaking>,
): Promise<ServerWebSocketStream> {
  const { options } = settings;
  let cancelledWith: FramedError | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let cancelled!: (error: FramedError) => void;
  const whenCancelled = new Promise<never>((_, reject) => (cancelled = reject));
  whenCancelled.catch(() => {});
  const self: Handshaking = {
    cancel: (error) => {
      cancelledWith ??= error;
      cancelled(error);
      closeQuietly(conn);
    },
  };
  handshaking.add(self);
  if (settings.handshakeTimeout > 0) {
    timer = setTimeout(
      () => self.cancel(new FramedError("TIMEOUT", `no WebSocket handshake within ${settings.handshakeTimeout} ms`)),
      settings.handshakeTimeout,
    );
  }
  try {
    let request: UpgradeRequest;
    let rest: Uint8Array;
    let headText: string;
    let answer: Awaited<ReturnType<typeof decideUpgrade>>;
    try {
      const head = await readHead(conn, new HttpHeadReader("request", options.maxHeaderSize));
      if (!head) throw new FramedError("CONNECTION_RESET", "the client left before finishing its upgrade request");
      headText = head.text;
      const requestHead = parseRequestHead(headText);
      if (!pathMatches(requestHead.target, options.path)) {
        throw new FramedError("HANDSHAKE_FAILED", `no WebSocket endpoint at ${requestHead.target}`, { status: 404 });
      }
      request = validateUpgradeRequest(requestHead);
      rest = head.rest;
      answer = await decideUpgrade(request, settings, sha1, (verifying) => Promise.race([verifying, whenCancelled]));
    } catch (error) {
      throw cancelledWith ?? error;
    }
    if ("refusal" in answer) throw answer.refusal;
    try {
      await writeAll(conn, answer.handshake.response);
    } catch (error) {
      throw (
        cancelledWith ??
        new FramedError("CONNECTION_RESET", "the client went away during the WebSocket handshake", { cause: error })
      );
    }
    if (cancelledWith) throw cancelledWith;
    handshaking.delete(self);
    clearTimeout(timer);
    return wrapServerConn(conn, answer.handshake, requestToKeep(settings, request, headText), rest, settings);
  } catch (error) {
    // Reported at once, like on Node; the refusal is then written while the connection is still tracked.
    options.onHandshakeError?.(error);
    if (error instanceof FramedError && error.status !== undefined && !cancelledWith) {
      await refuseConn(conn, error.status, error.message);
    } else {
      closeQuietly(conn);
    }
    throw error;
  } finally {
    handshaking.delete(self);
    clearTimeout(timer);
  }
}

/** The accepted connection as a WebSocket stream, with keep-alive when asked for. */
function wrapServerConn(
  conn: DenoConn,
  handshake: ServerHandshake,
  /** The request, or its head's text when no callback saw it (see `requestToKeep`). */
  request: UpgradeRequest | string,
  rest: Uint8Array,
  settings: UpgradeSettings,
): ServerWebSocketStream {
  const { keepAlive } = settings;
  const framing = framingFor(settings, handshake.deflate);
  const watched = keepAlive ? new WatchedConn(conn) : undefined;
  const setup = { framing, role: "server", options: settings.streamOptions, head: rest } as const;
  const stream = connStream(watched ?? conn, setup, handshake, request);
  if (watched && keepAlive) {
    const stop = watched.keepAlive(() => stream.heartbeat(), keepAlive);
    stream.closed.then(stop, stop);
  }
  return stream;
}
