/**
 * WebSocket on an existing Node `http`/`https` server: `handleUpgrade` for one `upgrade` event (like
 * ws's `noServer` mode) and `attach` to take over a server's upgrades.
 */
import type * as http from "node:http";
import type { Duplex } from "node:stream";
import { FramedError, type StreamHandler, StreamRegistry } from "@framed/core";
import { pathMatches } from "../adapter/server-handshake-driver.ts";
import type { ServerWebSocketStream } from "../adapter/websocket-stream.ts";
import { HttpHeaders } from "../handshake/http-headers.ts";
import { validateUpgradeRequest } from "../handshake/server-handshake.ts";
import type { ServerOptions } from "./options.ts";
import { completeUpgrade, refuseHandshake, type UpgradeSettings, upgradeSettings } from "./upgrade.ts";

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
    let request: ReturnType<typeof validateUpgradeRequest>;
    try {
      request = validateUpgradeRequest({
        method: req.method ?? "",
        target: req.url ?? "/",
        version: req.httpVersion,
        headers: HttpHeaders.fromPairs(req.rawHeaders),
      });
    } catch (error) {
      throw error instanceof FramedError ? refuseHandshake(socket, error) : error;
    }
    const deadline = settings.handshakeTimeout > 0 ? Date.now() + settings.handshakeTimeout : 0;
    return await completeUpgrade(socket, request, head, settings, deadline);
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
 * @example
 * ```ts
 * const server = http.createServer(app);
 * const ws = attach(server, async (stream) => {
 *   for await (const message of stream) await stream.send(message);
 * }, { path: "/chat", deflate: true });
 * server.listen(8080);
 * ```
 */
export function attach(
  server: http.Server,
  onStream: StreamHandler<string | Uint8Array, ServerWebSocketStream, Duplex>,
  options: ServerOptions = {},
): WebSocketAttachment {
  const settings = upgradeSettings(options);
  const registry = new StreamRegistry<string | Uint8Array>(options);
  const pending = new Set<Duplex>();

  const onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!pathMatches(req.url, options.path)) {
      if (server.listenerCount("upgrade") === 1) {
        refuseHandshake(
          socket,
          new FramedError("HANDSHAKE_FAILED", `no WebSocket endpoint at ${req.url}`, { status: 404 }),
        );
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

  return {
    // Only ServerWebSocketStreams are ever accepted into this registry.
    streams: registry.streams as unknown as ReadonlySet<ServerWebSocketStream>,
    close: async () => {
      server.off("upgrade", onUpgrade);
      for (const socket of pending) socket.destroy();
      await registry.closeAll({ code: 1001, reason: "server going away" });
    },
  };
}
