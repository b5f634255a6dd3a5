/**
 * A WebSocket server on its own port: a bare `net` server that reads each upgrade request with the
 * sans-I/O head reader (no `http` module), answers it, and hands each stream to the handler.
 */
import * as net from "node:net";
import * as tls from "node:tls";
import { FramedError, type HostAddress, hostOf, type Listener, type StreamHandler, StreamRegistry } from "@framed/core";
import type { ServerWebSocketStream } from "../adapter/websocket-stream.ts";
import type { ListenServerOptions } from "./options.ts";
import { beginUpgrade, type UpgradeServer } from "./pending-upgrade.ts";
import { upgradeSettings } from "./upgrade.ts";

/**
 * Where to listen: `{ host, port }` (`host` defaults to 127.0.0.1, `port` 0 picks a free port; `hostname` is a
 * deprecated alias of `host`), or `{ path }` for a Unix domain socket (a named pipe on Windows), as core's
 * Node `listen` takes.
 */
export type ListenAddress = HostAddress | { path: string };

/** A listening WebSocket server. */
export interface WebSocketListener extends Listener<string | Uint8Array> {
  readonly streams: ReadonlySet<ServerWebSocketStream>;
  /** `ws://host:port/` (`wss://` with `tls`; IPv6 hosts in brackets). */
  readonly url: string;
  readonly server: net.Server;
}

/**
 * Listen for WebSocket connections and hand each one to `onStream`. Requests that are not valid
 * upgrades are answered (400, 404, 405, 426, 431…) and closed; other connections never notice.
 * `close()` stops listening and closes every stream with 1001 (going away).
 *
 * @example
 * ```ts
 * const server = await listen({ port: 8080 }, async (stream) => {
 *   for await (const message of stream) await stream.send(message);
 * }, { deflate: true, keepAlive: 30_000 });
 * console.log("listening on", server.url);
 * const secure = await listen({ port: 8443 }, handler, { tls: { cert, key } }); // wss://127.0.0.1:8443/
 * ```
 */
export function listen(
  address: ListenAddress,
  onStream: StreamHandler<string | Uint8Array, ServerWebSocketStream, net.Socket>,
  options: ListenServerOptions = {},
): Promise<WebSocketListener> {
  let settings: ReturnType<typeof upgradeSettings>;
  try {
    settings = upgradeSettings(options);
  } catch (error) {
    return Promise.reject(error);
  }
  const registry = new StreamRegistry<string | Uint8Array>(options);
  const handshaking = new Set<net.Socket>();
  const upgrades: UpgradeServer = { settings, registry, onStream, handshaking };

  /** Raw sockets still in their TLS handshake: no upgrade has begun, so `close()` ends them itself. */
  const inTls = new Set<net.Socket>();
  const secure = options.tls;
  const server =
    secure === undefined
      ? net.createServer({ allowHalfOpen: true }, (socket) => beginUpgrade(socket, upgrades))
      : tls.createServer(secure, (socket) => {
          // Half-open only after the TLS handshake, as core's TLS listen does (a client that refused our
          // certificate and hung up must not outlive its handshake).
          socket.allowHalfOpen = true;
          beginUpgrade(socket, upgrades);
        });
  if (secure !== undefined) {
    server.on("connection", (raw: net.Socket) => {
      inTls.add(raw);
      raw.once("close", () => inTls.delete(raw));
    });
    server.on("secureConnection", (socket: tls.TLSSocket) => {
      for (const raw of inTls) {
        if (raw.remotePort === socket.remotePort && raw.remoteAddress === socket.remoteAddress) inTls.delete(raw);
      }
    });
  }
  return new Promise((resolve, reject) => {
    const where = "path" in address ? address.path : `${hostOf(address)}:${address.port}`;
    server.once("error", (error) =>
      reject(
        new FramedError("CONNECT_FAILED", `could not listen on ${where}: ${error.message}`, {
          cause: error,
        }),
      ),
    );
    const ready = () => {
      const bound = server.address();
      const scheme = secure === undefined ? "ws" : "wss";
      // A Unix socket has no host or port: its URL is the ws+unix form the `ws` client understands.
      const onPath = typeof bound === "string" || bound === null;
      const urlHost = onPath
        ? ""
        : bound.family === "IPv6" || bound.address.includes(":")
          ? `[${bound.address}]`
          : bound.address;
      resolve({
        server,
        address: onPath ? { host: String(bound), port: 0 } : { host: bound.address, port: bound.port },
        url: onPath ? `${scheme}+unix://${String(bound)}:/` : `${scheme}://${urlHost}:${bound.port}/`,
        // Only ServerWebSocketStreams are ever accepted into this registry.
        streams: registry.streams as unknown as ReadonlySet<ServerWebSocketStream>,
        close: async (closeOptions) => {
          const stopped = new Promise<void>((done) => server.close(() => done()));
          for (const socket of handshaking) socket.destroy();
          for (const raw of inTls) raw.destroy();
          await registry.closeAll({ code: 1001, reason: "server going away", ...closeOptions });
          await stopped;
        },
      });
    };
    if ("path" in address) server.listen(address.path, ready);
    else server.listen(address.port, hostOf(address), ready);
  });
}
