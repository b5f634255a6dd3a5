/**
 * A WebSocket server on `Deno.listen`: reads each upgrade request off the raw connection with the
 * sans-I/O head reader, answers it (101 or a refusal), and hands each stream to the handler. The same
 * flow as the Node `listen`, with a `Deno.Conn` instead of a `net.Socket`.
 */
import { FramedError, type HostAddress, hostOf, type Listener, type StreamHandler, StreamRegistry } from "@framed/core";
import { openingDeadline } from "../adapter/open-stream.ts";
import { type AcceptOutcome, ServerAccept, wentAway } from "../adapter/server-accept.ts";
import { type UpgradeSettings, upgradeSettings } from "../adapter/server-upgrade.ts";
import type { ServerWebSocketStream } from "../adapter/websocket-connection.ts";
import { sha1 } from "../handshake/sha1.ts";
import { closeQuietly, readUntil, refuseConn, writeAll } from "./conn-io.ts";
import { connStream } from "./conn-stream.ts";
import { type DenoConn, type DenoListener, denoRuntime } from "./deno-api.ts";
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
 * Take one connection through the opening handshake: the thin loop around `ServerAccept` (reads in, its
 * answer out, one timer for its deadline). Refusals are answered on the connection and rejected with as
 * `HANDSHAKE_FAILED` with the status.
 */
async function upgradeConn(
  conn: DenoConn,
  settings: UpgradeSettings,
  handshaking: Set<Handshaking>,
): Promise<ServerWebSocketStream> {
  const { options } = settings;
  const accept = new ServerAccept(settings, sha1);
  let cancelledWith: FramedError | undefined;
  let refused: Uint8Array | undefined;
  const self: Handshaking = {
    cancel: (error) => {
      cancelledWith ??= error;
      accept.abandon(error);
      closeQuietly(conn);
    },
  };
  handshaking.add(self);
  const clock = openingDeadline(accept, () => self.cancel(accept.expire()));
  try {
    let outcome: AcceptOutcome;
    try {
      const received = await readUntil(conn, (bytes) => accept.receive(bytes));
      if (!received) throw new FramedError("CONNECTION_RESET", "the client left before finishing its upgrade request");
      outcome = await received;
    } catch (error) {
      throw cancelledWith ?? error;
    }
    if ("refusal" in outcome) {
      refused = outcome.response;
      throw outcome.refusal;
    }
    try {
      await writeAll(conn, outcome.accepted.response);
    } catch (error) {
      throw cancelledWith ?? wentAway(error);
    }
    if (cancelledWith) throw cancelledWith;
    return connStream(conn, outcome.accepted.opening);
  } catch (error) {
    // Reported at once, like on Node; the refusal is then written while the connection is still tracked.
    options.onHandshakeError?.(error);
    if (refused && !cancelledWith) await refuseConn(conn, refused);
    else closeQuietly(conn);
    throw error;
  } finally {
    handshaking.delete(self);
    clock?.stop();
  }
}
