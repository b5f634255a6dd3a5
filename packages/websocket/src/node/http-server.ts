/**
 * WebSocket on an existing Node `http`/`https`/`http2` server: `handleUpgrade` for one `upgrade` event
 * (like ws's `noServer` mode) and `attach` to take over a server's upgrades (and, on an `http2` server,
 * its RFC 8441 extended CONNECT streams).
 */
import type * as http from "node:http";
import type { Duplex } from "node:stream";
import { type StreamHandler, StreamRegistry } from "@framed/core";
import { ServerAccept } from "../adapter/server-accept.ts";
import { noEndpoint, pathMatches } from "../adapter/server-upgrade.ts";
import type { ServerWebSocketStream } from "../adapter/websocket-connection.ts";
import { HttpHeaders } from "../handshake/http-headers.ts";
import { acceptConnectStreams, type Http2WebSocketServer, isHttp2Server } from "./http2-server.ts";
import type { ServerOptions } from "./options.ts";
import {
  nodeSha1,
  refuseHandshake,
  settleUpgrade,
  type UpgradeSettings,
  upgradeSettings,
  whileVerifying,
} from "./upgrade.ts";

/** Swallows socket errors while no stream owns the socket yet (an unhandled one would crash the process). */
const ignoreError = () => {};

/**
 * Upgrade one HTTP request to a WebSocket stream. Call it from a server's `upgrade` event.
 * A refused handshake is answered (400, 403, 426…) and the promise rejects with `FramedError`
 * `HANDSHAKE_FAILED` carrying the status.
 *
 * @example
 * ```ts
 * server.on("upgrade", async (req, socket, head) => {
 *   if (req.url !== "/chat") return socket.destroy();
 *   const stream = await handleUpgrade(req, socket, head, { deflate: true }).catch(() => null);
 *   if (stream) for await (const message of stream) await stream.send(message);
 * });
 * ```
 */
export function handleUpgrade(
  req: http.IncomingMessage,
  socket: Duplex,
  head: Uint8Array,
  options: ServerOptions = {},
): Promise<ServerWebSocketStream> {
  let settings: UpgradeSettings;
  try {
    settings = upgradeSettings(options);
  } catch (error) {
    socket.destroy();
    return Promise.reject(error);
  }
  return upgradeRequest(req, socket, head, settings);
}

async function upgradeRequest(
  req: http.IncomingMessage,
  socket: Duplex,
  head: Uint8Array,
  settings: UpgradeSettings,
): Promise<ServerWebSocketStream> {
  socket.on("error", ignoreError);
  try {
    // The http server parsed the request: the flow is entered after parsing (and after routing, done by attach).
    const accept = new ServerAccept(settings, nodeSha1);
    const requestHead = {
      method: req.method ?? "",
      target: req.url ?? "/",
      version: req.httpVersion,
      headers: HttpHeaders.fromPairs(req.rawHeaders),
    };
    let outcome = accept.enter(requestHead, head);
    if (outcome instanceof Promise) {
      outcome = await whileVerifying(accept, socket, outcome);
    }
    return settleUpgrade(socket, outcome);
  } catch (error) {
    settings.options.onHandshakeError?.(error);
    throw error;
  } finally {
    socket.off("error", ignoreError);
  }
}

/** What `attach` returns: the accepted streams and a way to let them go. */
export interface WebSocketAttachment {
  /** Streams accepted and not yet closed. */
  readonly streams: ReadonlySet<ServerWebSocketStream>;
  /**
   * Stop handling upgrades and close every stream with 1001 (going away), resolving once all are
   * closed. The HTTP server itself stays open.
   */
  close(): Promise<void>;
}

/**
 * Handle every WebSocket upgrade of an `http`/`https` server and hand each stream to `onStream`.
 * With `options.path`, other paths are left to other `upgrade` listeners (or answered 404 when
 * there are none).
 *
 * On an `http2` server (`createSecureServer`, or `createServer` for cleartext h2c) it also takes every
 * extended CONNECT stream whose `:protocol` is `websocket` (RFC 8441: WebSocket over HTTP/2, which
 * browsers use when the page's own HTTP/2 connection allows it) and turns on `enableConnectProtocol` for
 * new sessions. The same handshake checks, `verify` and stream options apply; closing one WebSocket ends
 * only its HTTP/2 stream. With `allowHTTP1`, HTTP/1.1 upgrades to the same port keep working.
 *
 * @example
 * ```ts
 * const server = http.createServer(app);
 * const ws = attach(server, async (stream) => {
 *   for await (const message of stream) await stream.send(message);
 * }, { path: "/chat", deflate: true });
 * server.listen(8080);
 *
 * const h2 = http2.createSecureServer({ key, cert, allowHTTP1: true });
 * attach(h2, async (stream) => {
 *   for await (const message of stream) await stream.send(message);
 * });
 * ```
 */
export function attach(
  server: http.Server | Http2WebSocketServer,
  onStream: StreamHandler<string | Uint8Array, ServerWebSocketStream, Duplex>,
  options: ServerOptions = {},
): WebSocketAttachment {
  const settings = upgradeSettings(options);
  const registry = new StreamRegistry<string | Uint8Array>(options);
  const pending = new Set<Duplex>();

  const onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!pathMatches(req.url, options.path)) {
      if (server.listenerCount("upgrade") === 1) {
        refuseHandshake(socket, noEndpoint(req.url));
      }
      return;
    }
    pending.add(socket);
    upgradeRequest(req, socket, head, settings).then(
      (stream) => {
        pending.delete(socket);
        registry.accept(stream, onStream, socket);
      },
      () => pending.delete(socket),
    );
  };
  server.on("upgrade", onUpgrade);
  const stopConnectStreams = isHttp2Server(server)
    ? acceptConnectStreams(server, settings, registry, onStream)
    : undefined;

  return {
    // Only ServerWebSocketStreams are ever accepted into this registry.
    streams: registry.streams as unknown as ReadonlySet<ServerWebSocketStream>,
    close: async () => {
      server.off("upgrade", onUpgrade);
      stopConnectStreams?.();
      for (const socket of pending) socket.destroy();
      await registry.closeAll({ code: 1001, reason: "server going away" });
    },
  };
}
