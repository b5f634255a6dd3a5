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
import type { BunSocket, BunSocketData, BunSocketListener } from "@framed/core/bun";
import { type OpeningDeadline, openingDeadline } from "../adapter/open-stream.ts";
import type { ServerOptions } from "../adapter/options.ts";
import { type AcceptOutcome, REFUSAL_LINGER_MS, ServerAccept } from "../adapter/server-accept.ts";
import { type UpgradeSettings, upgradeSettings } from "../adapter/server-upgrade.ts";
import type { ServerWebSocketStream } from "../adapter/websocket-connection.ts";
import { nodeSha1 } from "../node/upgrade.ts";
import { bunRuntime } from "./bun-api.ts";
import { bunSocketStream } from "./socket-stream.ts";

/** What each socket carries: its handshake until the 101, its transport after. */
interface UpgradeSocketData extends BunSocketData {
  handshake?: BunHandshake;
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
          if (data?.transport) data.transport.onData(bytes);
          else data?.handshake?.onData(bytes);
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

/** One connection between accept and its 101 (or refusal): the thin loop around `ServerAccept`. */
class BunHandshake {
  private readonly accept: ServerAccept;
  private readonly clock: OpeningDeadline | undefined;
  private over = false;
  private refused = false;

  constructor(
    private readonly socket: UpgradeSocket,
    private readonly settings: UpgradeSettings,
    private readonly handshaking: Set<BunHandshake>,
    private readonly onAccepted: (stream: ServerWebSocketStream, socket: UpgradeSocket) => void,
  ) {
    this.accept = new ServerAccept(settings, nodeSha1);
    handshaking.add(this);
    this.clock = openingDeadline(this.accept, () => {
      this.fail(this.accept.expire());
      socket.terminate();
    });
  }

  onData(bytes: Uint8Array): void {
    if (this.over) return; // a refused client's last words
    let outcome: ReturnType<ServerAccept["receive"]>;
    try {
      outcome = this.accept.receive(bytes);
    } catch (error) {
      this.fail(error);
      this.socket.terminate();
      return;
    }
    if (outcome === undefined) return;
    if (!(outcome instanceof Promise)) {
      this.settle(outcome);
      return;
    }
    // Anything the client sends while verify decides waits in the socket.
    this.socket.pause?.();
    outcome.then(
      (settled) => this.settle(settled),
      (error) => this.fail(error),
    );
  }

  /** The client ended its side: once refused, both sides are done, so the socket closes now, not at the linger. */
  peerEnded(): void {
    if (this.refused) this.socket.end();
  }

  /** The client left (or the server is closing) before the handshake finished. */
  gone(): void {
    if (this.over) return;
    const error = new FramedError("CONNECTION_RESET", "the client left during the WebSocket handshake");
    this.accept.abandon(error);
    this.fail(error);
  }

  cancel(): void {
    this.gone();
    this.socket.terminate();
  }

  private settle(outcome: AcceptOutcome): void {
    if (this.over) return;
    if ("refusal" in outcome) {
      this.refuse(outcome.refusal, outcome.response);
      return;
    }
    this.finish();
    const { socket, settings } = this;
    const { response, opening } = outcome.accepted;
    if (socket.write(response) !== response.length) {
      // A 101 of a few hundred bytes that the kernel does not take means the client is gone.
      socket.terminate();
      settings.options.onHandshakeError?.(
        new FramedError("CONNECTION_RESET", "the client left during the WebSocket handshake"),
      );
      return;
    }
    socket.data.handshake = undefined;
    const stream = bunSocketStream(socket, opening);
    // An end that came during the handshake follows the frames sent with the request (decoded as the stream opened).
    if (socket.data.peerEnded) socket.data.transport?.onEnd();
    socket.resume?.();
    this.onAccepted(stream, socket);
  }

  /** Answer with the refusal, shut our side, and cut the connection if the client lingers. */
  private refuse(error: FramedError, response: Uint8Array): void {
    this.fail(error);
    this.refused = true;
    const { socket } = this;
    socket.write(response);
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
    this.clock?.stop();
  }
}
