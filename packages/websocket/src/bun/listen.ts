/**
 * framed's own WebSocket server on Bun's own sockets (`Bun.listen`): each connection's upgrade request is read
 * with the sans-I/O head reader and answered (101 or a refusal), then the socket becomes core's Bun transport
 * under a WebSocket stream. The same flow, options and close codes as the Node and Deno `listen`.
 */
import {
  FramedError,
  type HostAddress,
  hostOf,
  type Listener,
  type ListenTlsOptions,
  type StreamHandler,
  StreamRegistry,
} from "@framed/core";
import { type BunSocket, type BunSocketData, type BunSocketListener, BunSocketTransport } from "@framed/core/bun";
import { startKeepAliveClock } from "../adapter/keep-alive.ts";
import type { ServerOptions } from "../adapter/options.ts";
import {
  decideUpgrade,
  framingFor,
  pathMatches,
  requestToKeep,
  type UpgradeSettings,
  upgradeSettings,
} from "../adapter/server-handshake-driver.ts";
import { type ServerWebSocketStream, WebSocketStream } from "../adapter/websocket-stream.ts";
import { HttpHeadReader, parseRequestHead } from "../handshake/http-head.ts";
import { refusal } from "../handshake/http-response.ts";
import { type ServerHandshake, type UpgradeRequest, validateUpgradeRequest } from "../handshake/server-handshake.ts";
import { nodeSha1 } from "../node/upgrade.ts";
import { bunRuntime } from "./bun-api.ts";

/** How long a refused client gets to read the answer and hang up before the connection is cut. */
const REFUSAL_LINGER_MS = 1000;

/** What each socket carries: its handshake until the 101, its transport after; `lastSeen` for keep-alive. */
interface UpgradeSocketData extends BunSocketData {
  handshake?: BunHandshake;
  lastSeen?: number;
  /** The client ended its side during the handshake (half-open: the 101 and the stream still follow). */
  peerEnded?: boolean;
}
type UpgradeSocket = BunSocket<UpgradeSocketData>;

/** A WebSocket server on `Bun.listen`. */
export interface BunWebSocketListener extends Listener<string | Uint8Array> {
  readonly streams: ReadonlySet<ServerWebSocketStream>;
  /** `ws://host:port/`, or `wss://` with `tls`. */
  readonly url: string;
  /** The `Bun.listen` socket listener (as Node's listener has its `net.Server`). */
  readonly server: BunSocketListener;
}

/** Options of the Bun {@link listen}: the server options, and `tls` (PEM) to serve `wss:`. */
export interface BunListenOptions extends ServerOptions {
  tls?: ListenTlsOptions;
}

/**
 * Listen for WebSocket connections on Bun's own sockets and hand each one to `onStream`. Requests that are not
 * valid upgrades are answered (400, 404, 426, 431…) and closed; other connections never notice. `close()` stops
 * listening and closes every stream with 1001 (going away).
 *
 * @example
 * ```ts
 * import { listen } from "@framed/websocket/bun";
 * const server = await listen({ port: 8080 }, async (stream) => {
 *   for await (const message of stream) await stream.send(message);
 * }, { deflate: true, keepAlive: 30_000 });
 * const secure = await listen({ port: 8443 }, handler, { tls: { cert, key } }); // wss:
 * ```
 */
export async function listen(
  address: HostAddress,
  onStream: StreamHandler<string | Uint8Array, ServerWebSocketStream, UpgradeSocket>,
  options: BunListenOptions = {},
): Promise<BunWebSocketListener> {
  const settings = upgradeSettings(options);
  const host = hostOf(address);
  const registry = new StreamRegistry<string | Uint8Array>(options);
  const handshaking = new Set<BunHandshake>();
  const accept = (stream: ServerWebSocketStream, socket: UpgradeSocket) => registry.accept(stream, onStream, socket);
  let server: ReturnType<ReturnType<typeof bunRuntime>["listen"]>;
  try {
    server = bunRuntime().listen<UpgradeSocketData>({
      hostname: host,
      port: address.port,
      allowHalfOpen: true,
      ...(options.tls === undefined ? {} : { tls: options.tls }),
      socket: {
        open(socket) {
          socket.data = {};
          socket.data.handshake = new BunHandshake(socket, settings, handshaking, accept);
        },
        // A TLS client can fail its handshake before `open`: every handler copes with a socket without data.
        data(socket, bytes) {
          const data = socket.data;
          if (data?.transport) {
            if (data.lastSeen !== undefined) data.lastSeen = Date.now();
            data.transport.onData(bytes);
          } else data?.handshake?.onData(bytes);
        },
        drain: (socket) => socket.data?.transport?.onDrain(),
        end(socket) {
          const data = socket.data;
          if (data?.transport) data.transport.onEnd();
          else if (data) {
            data.peerEnded = true;
            data.handshake?.peerEnded();
          }
        },
        error: (socket, error) => socket.data?.transport?.onError(error),
        close(socket, error) {
          socket.data?.handshake?.gone();
          socket.data?.transport?.onClose(error);
        },
      },
    });
  } catch (error) {
    throw new FramedError(
      "CONNECT_FAILED",
      `could not listen on ${host}:${address.port}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  return {
    server,
    address: { host: server.hostname, port: server.port },
    url: `${options.tls === undefined ? "ws" : "wss"}://${host.includes(":") ? `[${host}]` : host}:${server.port}/`,
    // Only ServerWebSocketStreams are ever accepted into this registry.
    streams: registry.streams as unknown as ReadonlySet<ServerWebSocketStream>,
    close: async (closeOptions) => {
      server.stop(false);
      for (const handshake of handshaking) handshake.cancel();
      await registry.closeAll({ code: 1001, reason: "server going away", ...closeOptions });
    },
  };
}

/** One connection between accept and its 101 (or refusal). */
class BunHandshake {
  private readonly reader: HttpHeadReader;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private over = false;
  private refused = false;
  /** Rejects a pending `verify` when the client leaves or the deadline passes. */
  private abandon: ((error: FramedError) => void) | undefined;

  constructor(
    private readonly socket: UpgradeSocket,
    private readonly settings: UpgradeSettings,
    private readonly handshaking: Set<BunHandshake>,
    private readonly accept: (stream: ServerWebSocketStream, socket: UpgradeSocket) => void,
  ) {
    this.reader = new HttpHeadReader("request", settings.options.maxHeaderSize);
    handshaking.add(this);
    if (settings.handshakeTimeout > 0) {
      this.timer = setTimeout(() => {
        const error = new FramedError("TIMEOUT", `no WebSocket handshake within ${settings.handshakeTimeout} ms`);
        this.abandon?.(error);
        this.fail(error);
        socket.terminate();
      }, settings.handshakeTimeout);
    }
  }

  onData(bytes: Uint8Array): void {
    if (this.over) return; // a refused client's last words
    let head: ReturnType<HttpHeadReader["push"]>;
    try {
      head = this.reader.push(bytes);
      if (!head) return;
      // Anything the client sends while we decide waits in the socket.
      this.socket.pause?.();
      const requestHead = parseRequestHead(head.text);
      if (!pathMatches(requestHead.target, this.settings.options.path)) {
        throw new FramedError("HANDSHAKE_FAILED", `no WebSocket endpoint at ${requestHead.target}`, { status: 404 });
      }
      const request = validateUpgradeRequest(requestHead);
      const { text, rest } = head;
      const guard = <V>(verifying: Promise<V>) =>
        Promise.race([verifying, new Promise<never>((_, reject) => (this.abandon = reject))]);
      decideUpgrade(request, this.settings, nodeSha1, guard).then(
        (decision) => {
          if (this.over) return;
          if ("refusal" in decision) return this.refuse(decision.refusal);
          this.upgrade(decision.handshake, requestToKeep(this.settings, request, text), rest);
        },
        (error) => this.fail(error),
      );
    } catch (error) {
      if (error instanceof FramedError && error.status !== undefined) this.refuse(error);
      else {
        this.fail(error);
        this.socket.terminate();
      }
    }
  }

  /** The client ended its side: once refused, both sides are done, so the socket closes now, not at the linger. */
  peerEnded(): void {
    if (this.refused) this.socket.end();
  }

  /** The client left (or the server is closing) before the handshake finished. */
  gone(): void {
    if (this.over) return;
    const error = new FramedError("CONNECTION_RESET", "the client left during the WebSocket handshake");
    this.abandon?.(error);
    this.fail(error);
  }

  cancel(): void {
    this.gone();
    this.socket.terminate();
  }

  private upgrade(handshake: ServerHandshake, request: UpgradeRequest | string, rest: Uint8Array): void {
    this.finish();
    const { socket, settings } = this;
    if (socket.write(handshake.response) !== handshake.response.length) {
      // A 101 of a few hundred bytes that the kernel does not take means the client is gone.
      socket.terminate();
      settings.options.onHandshakeError?.(
        new FramedError("CONNECTION_RESET", "the client left during the WebSocket handshake"),
      );
      return;
    }
    const transport = new BunSocketTransport(socket, settings.streamOptions);
    socket.data.transport = transport;
    socket.data.handshake = undefined;
    if (socket.data.peerEnded) transport.onEnd();
    const framing = framingFor(settings, handshake.deflate);
    const stream = new WebSocketStream(
      { transport, framing, role: "server", options: settings.streamOptions, head: rest },
      handshake,
      request,
    );
    socket.resume?.();
    if (settings.keepAlive) {
      socket.data.lastSeen = Date.now();
      const stop = startKeepAliveClock(
        { lastSeen: () => socket.data.lastSeen ?? 0, paused: () => transport.paused, gone: () => false },
        () => stream.ping(),
        (error) => transport.destroy(error),
        settings.keepAlive,
      );
      stream.closed.then(stop, stop);
    }
    this.accept(stream, socket);
  }

  /** Answer with the refusal's status, shut our side, and cut the connection if the client lingers. */
  private refuse(error: FramedError): void {
    this.fail(error);
    this.refused = true;
    const { socket } = this;
    socket.write(refusal(error.status ?? 400, error.message));
    socket.shutdown(true);
    socket.resume?.();
    if (socket.data.peerEnded) socket.end();
    setTimeout(() => socket.terminate(), REFUSAL_LINGER_MS).unref?.();
  }

  private fail(error: unknown): void {
    if (this.over) return;
    this.finish();
    this.settings.options.onHandshakeError?.(error);
  }

  private finish(): void {
    this.over = true;
    this.handshaking.delete(this);
    if (this.timer !== undefined) clearTimeout(this.timer);
  }
}
