/**
 * WebSocket through Bun's own server: `websocketHandlers` gives the `websocket` object for a `Bun.serve` you
 * run yourself, handing each connection out as a `MessageStream`; `serve` runs a whole server of them. Bun
 * frames these itself (uWebSockets); `listen` uses framed's own protocol core instead.
 */
import {
  Connection,
  DEFAULT_MAX_MESSAGE_SIZE,
  type HostAddress,
  hostOf,
  type Listener,
  type ListenOptions,
  type MessageStream,
  type StreamHandler,
  type StreamOptions,
  StreamRegistry,
} from "@framed/core";
import { type BunServer, type BunServerWebSocket, type BunWebSocketHandler, bunRuntime } from "./bun-api.ts";
import { BunSendTurn } from "./send-turn.ts";
import { BunServerWebSocketTransport, type BunWebSocketData } from "./server-websocket-transport.ts";

/** Options of {@link websocketHandlers} and {@link serve}. */
export interface BunWebSocketOptions extends StreamOptions {
  /** Largest message accepted; a bigger one closes the connection with 1009. Default 16 MiB. */
  maxMessageSize?: number;
  /**
   * Bytes of messages held for a reader that stopped reading (Bun cannot pause a socket). Past it the
   * connection is closed with 1008, the held messages are still delivered, and the reader then gets
   * POLICY_VIOLATION. Default 4 MiB.
   */
  maxQueuedBytes?: number;
  /** Bytes buffered by Bun for a slow peer before `send` waits for Bun's `drain`. Default 1 MiB. */
  writableHighWaterMark?: number;
  /** Offer permessage-deflate (Bun's). Default false. */
  deflate?: boolean;
}

/** A WebSocket stream from Bun's server; `request` is the upgrade request. */
export type BunWebSocketStream = MessageStream<string | Uint8Array>;

/**
 * The `websocket` handlers for your own `Bun.serve`: upgrade with `server.upgrade(request, { data: {} })`,
 * and each connection reaches `onStream` as a stream.
 *
 * @example
 * ```ts
 * Bun.serve({
 *   port: 8080,
 *   fetch: (request, server) => (server.upgrade(request, { data: {} }) ? undefined : new Response("no", { status: 426 })),
 *   websocket: websocketHandlers(async (stream) => {
 *     for await (const message of stream) await stream.send(message);
 *   }),
 * });
 * ```
 */
export function websocketHandlers(
  onStream: (stream: BunWebSocketStream, ws: BunServerWebSocket<BunWebSocketData>) => void,
  options: BunWebSocketOptions = {},
): BunWebSocketHandler<BunWebSocketData> {
  const highWaterMark = options.writableHighWaterMark ?? 1024 * 1024;
  const maxQueuedBytes = options.maxQueuedBytes ?? 4 * 1024 * 1024;
  // Shared by this server's connections: one end-of-turn flush for all of them.
  const turn = new BunSendTurn<BunServerWebSocketTransport>();
  return {
    open(ws) {
      ws.data ??= {};
      const transport = new BunServerWebSocketTransport(ws, highWaterMark, maxQueuedBytes, turn);
      ws.data.transport = transport;
      onStream(new Connection({ transport, framing: transport, role: "server", options }), ws);
    },
    message: (ws, message) => ws.data.transport?.onMessage(message),
    drain: (ws) => ws.data.transport?.onDrain(),
    close: (ws, code, reason) => ws.data.transport?.onClose(code, reason),
    maxPayloadLength: options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE,
    // Bun drops messages sent past this; `send` already waits at `writableHighWaterMark`, far below.
    backpressureLimit: 2 ** 31 - 1,
    closeOnBackpressureLimit: false,
    perMessageDeflate: options.deflate ?? false,
    // Idle connections are framed's business (`idleTimeout` in StreamOptions), not Bun's 120 s default.
    idleTimeout: 0,
  };
}

/** A WebSocket server on `Bun.serve`. */
export interface BunServeListener extends Listener<string | Uint8Array> {
  /** `ws://host:port/`. */
  readonly url: string;
  /** The Bun server, for anything else it does (publish, requestIP…). */
  readonly server: BunServer;
}

/**
 * Serve WebSocket connections with `Bun.serve` (Bun's own WebSocket); plain HTTP requests get 426.
 * `close()` sends 1001 (going away) to every stream.
 *
 * @example
 * ```ts
 * const server = await serve({ port: 8080 }, async (stream) => {
 *   for await (const message of stream) await stream.send(message);
 * });
 * console.log("listening on", server.url);
 * ```
 */
export async function serve(
  address: HostAddress,
  onStream: StreamHandler<string | Uint8Array, BunWebSocketStream, Request>,
  options: BunWebSocketOptions & ListenOptions & { tls?: { cert: string; key: string } } = {},
): Promise<BunServeListener> {
  const registry = new StreamRegistry<string | Uint8Array>(options);
  const hostname = hostOf(address);
  const server = bunRuntime().serve<BunWebSocketData & { request: Request }>({
    hostname,
    port: address.port,
    ...(options.tls === undefined ? {} : { tls: options.tls }),
    fetch(request, server) {
      if (server.upgrade(request, { data: { request } })) return undefined;
      return new Response("expected a WebSocket upgrade", { status: 426, headers: { "sec-websocket-version": "13" } });
    },
    websocket: websocketHandlers((stream, ws) => {
      registry.accept(stream, onStream, (ws.data as { request: Request }).request);
    }, options),
  });
  const scheme = options.tls === undefined ? "ws" : "wss";
  return {
    address: { host: server.hostname, port: server.port },
    url: `${scheme}://${hostname}:${server.port}/`,
    server,
    streams: registry.streams,
    close: async (closeOptions) => {
      await registry.closeAll(closeOptions ?? { code: 1001, reason: "going away" });
      await server.stop(true);
    },
  };
}
