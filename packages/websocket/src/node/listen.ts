/**
 * A WebSocket server on its own port: a bare `net` server (no `http` module), and the thin loop each of its
 * connections runs until its 101 or refusal — socket bytes into `ServerAccept`, its answer out, one timer for its
 * deadline — after which the stream goes to the handler.
 */
import * as net from "node:net";
import * as tls from "node:tls";
import { FramedError, type HostAddress, hostOf, type Listener, type StreamHandler, StreamRegistry } from "@framed/core";
import { type OpeningDeadline, openingDeadline } from "../adapter/open-stream.ts";
import { type AcceptOutcome, ServerAccept, wentAway } from "../adapter/server-accept.ts";
import type { UpgradeSettings } from "../adapter/server-upgrade.ts";
import type { ServerWebSocketStream } from "../adapter/websocket-connection.ts";
import type { ListenServerOptions } from "./options.ts";
import { nodeSha1, settleUpgrade, upgradeSettings } from "./upgrade.ts";

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

/** What every connection of one server shares. */
interface UpgradeServer {
  settings: UpgradeSettings;
  registry: StreamRegistry<string | Uint8Array>;
  onStream: StreamHandler<string | Uint8Array, ServerWebSocketStream, net.Socket>;
  /** Sockets still in their handshake, destroyed when the server closes. */
  handshaking: Set<net.Socket>;
}

const kPending = Symbol("framed.pendingUpgrade");
type PendingSocket = net.Socket & { [kPending]?: PendingUpgrade };

/** Start reading the upgrade request of a freshly accepted socket. */
function beginUpgrade(socket: net.Socket, server: UpgradeServer): void {
  new PendingUpgrade(socket, server);
}

/**
 * One connection between accept and its 101 (or refusal): socket bytes into `ServerAccept`, its answer out,
 * one timer for its deadline; a peer that leaves before its request is complete is let go at once.
 *
 * A class with module-level socket listeners rather than closures: a server accepting thousands of
 * connections a second should leave as little garbage per handshake as it can.
 */
class PendingUpgrade {
  private readonly accept: ServerAccept;
  private clock: OpeningDeadline | undefined;

  constructor(
    private readonly socket: PendingSocket,
    private readonly server: UpgradeServer,
  ) {
    server.handshaking.add(socket);
    this.accept = new ServerAccept(server.settings, nodeSha1);
    socket[kPending] = this;
    socket.on("error", ignoreError);
    socket.on("data", onHandshakeData);
    socket.once("close", onHandshakeClose);
    socket.once("end", onHandshakeEnd);
    this.clock = openingDeadline(this.accept, () => this.timedOut());
  }

  /** @internal */
  onData(chunk: Buffer): void {
    const { socket } = this;
    let outcome: ReturnType<ServerAccept["receive"]>;
    try {
      outcome = this.accept.receive(chunk);
    } catch (error) {
      this.fail(error);
      socket.destroy();
      return;
    }
    if (outcome === undefined) return;
    // The head is read: an EOF is now the stream's to see. Off before the stream adds its own listener: three
    // 'end' listeners at once grow the socket's listener array for good (about 140 bytes per connection).
    socket.off("data", onHandshakeData);
    socket.off("end", onHandshakeEnd);
    if (outcome instanceof Promise) {
      // Nothing may be read while verify runs: frames sent eagerly wait in the socket until the stream exists.
      socket.pause();
      outcome.then(
        (settled) => this.settle(settled),
        (error) => this.fail(error),
      );
    } else this.settle(outcome);
  }

  /** @internal The socket closed: a running verify is abandoned; before that there is nothing to report. */
  closed(): void {
    if (this.accept.phase === "verifying") this.accept.abandon(wentAway());
    else this.done();
  }

  /**
   * @internal The peer sent FIN. Before its request head is complete there is nothing to answer: end the
   * connection now rather than hold its descriptor until the handshake deadline (the server is half-open, so
   * the socket would otherwise stay). Once the head is read, the upgrade goes on and the stream sees the end.
   */
  ended(): void {
    if (this.accept.phase !== "head") return;
    this.fail(new FramedError("HANDSHAKE_FAILED", "the connection ended before the upgrade request was complete"));
    this.socket.destroy();
  }

  /** @internal The one timer: a running verify is abandoned (and fails through its promise), else fail now. */
  timedOut(): void {
    this.clock = undefined;
    const verifying = this.accept.phase === "verifying";
    const error = this.accept.expire();
    if (!verifying) this.fail(error);
    this.socket.destroy();
  }

  private settle(outcome: AcceptOutcome): void {
    let stream: ServerWebSocketStream;
    try {
      stream = settleUpgrade(this.socket, outcome);
    } catch (error) {
      this.fail(error);
      return;
    }
    this.done();
    this.server.registry.accept(stream, this.server.onStream, this.socket);
  }

  private fail(error: unknown): void {
    this.done();
    this.server.settings.options.onHandshakeError?.(error);
  }

  /** The handshake is over, one way or another: stop listening for it. */
  private done(): void {
    const { socket } = this;
    this.server.handshaking.delete(socket);
    this.clock?.stop();
    this.clock = undefined;
    socket[kPending] = undefined;
    socket.off("data", onHandshakeData);
    socket.off("close", onHandshakeClose);
    socket.off("end", onHandshakeEnd);
    socket.off("error", ignoreError);
  }
}

function onHandshakeData(this: PendingSocket, chunk: Buffer): void {
  this[kPending]?.onData(chunk);
}

function onHandshakeClose(this: PendingSocket): void {
  this[kPending]?.closed();
}

function onHandshakeEnd(this: PendingSocket): void {
  this[kPending]?.ended();
}

function ignoreError(): void {}
