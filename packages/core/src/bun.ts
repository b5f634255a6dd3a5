/**
 * `@framed/core/bun`: Bun's own TCP and TLS sockets (`Bun.connect` / `Bun.listen`) for any framing.
 *
 * Bun also runs `@framed/core/node` (its `node:net` is compatible), but its own sockets skip the Node stream
 * layer: about 2.5× the small-message throughput of `node:net` on Bun (bench/README.md).
 */

import { type HostAddress, hostOf } from "./address.ts";
import { type BunSocket, type BunSocketListener, type BunTlsOptions, bun } from "./bun/bun-api.ts";
import { type BunSocketData, BunSocketTransport, bunSocketHandlers } from "./bun/socket-transport.ts";
import { Connection } from "./connection.ts";
import { FramedError } from "./errors.ts";
import type { Framing, Role } from "./framing.ts";
import { type Listener, type ListenOptions, type StreamHandler, StreamRegistry } from "./listener.ts";
import type { FramedStream, MessageStream, StreamOptions } from "./message-stream.ts";
import type { ListenTlsOptions } from "./tls-options.ts";

export type { BunSocket, BunSocketHandler, BunSocketListener, BunTlsOptions } from "./bun/bun-api.ts";
export { type BunSocketData, BunSocketTransport, bunSocketHandlers } from "./bun/socket-transport.ts";
export * from "./index.ts";

/** A TCP address: `{ host, port }` as on every runtime (`hostname` is a deprecated alias). `host` defaults to 127.0.0.1. */
export type BunAddress = HostAddress;

/** Options for {@link wrap}. */
export interface BunWrapOptions extends StreamOptions {
  role?: Role;
  head?: Uint8Array;
  /** Bytes queued for the socket before `send` waits. Default 1 MiB. */
  writableHighWaterMark?: number;
}

/**
 * Frame a Bun socket opened with {@link bunSocketHandlers} as its `socket` handlers.
 *
 * @example
 * ```ts
 * Bun.listen({ hostname: "127.0.0.1", port: 9000, socket: bunSocketHandlers({
 *   onOpen: (socket) => echo(wrap(socket, newline(), { role: "server" })),
 * }) });
 * ```
 */
export function wrap<T>(
  socket: BunSocket<BunSocketData>,
  framing: Framing<T>,
  options: BunWrapOptions = {},
): FramedStream<T> {
  socket.data ??= {};
  const transport = (socket.data.transport ??= new BunSocketTransport(socket, options));
  return new Connection({ transport, framing, role: options.role ?? "client", options, head: options.head });
}

/** Options for {@link connect}. */
export interface BunConnectOptions extends StreamOptions {
  /**
   * Connect over TLS: `ca` adds PEM certificates to trust (a self-signed server's), `serverName` is the SNI
   * name (default: the hostname). The stream is handed out once the handshake is done; a refused
   * certificate fails `connect` with `CONNECT_FAILED`.
   */
  tls?: BunTlsOptions | true;
  writableHighWaterMark?: number;
}

/**
 * Open a TCP connection with `Bun.connect`, or a TLS one with `options.tls`, and frame it.
 *
 * @example
 * ```ts
 * const stream = await connect({ port: 9000 }, newline());
 * await stream.send("hello");
 * ```
 */
export async function connect<T>(
  address: BunAddress,
  framing: Framing<T>,
  options: BunConnectOptions = {},
): Promise<MessageStream<T>> {
  const hostname = hostOf(address);
  const secure = options.tls === true ? {} : options.tls;
  const handlers = bunSocketHandlers(options);
  // A TLS stream is handed out only after the handshake, which Bun reports to `handshake`.
  let handshake: Promise<void> | undefined;
  if (secure !== undefined) {
    handshake = new Promise((resolve, reject) => {
      handlers.handshake = (_socket, success, authorizationError) =>
        success && !authorizationError ? resolve() : reject(authorizationError ?? new Error("TLS handshake failed"));
      const closed = handlers.close!;
      handlers.close = (socket, error) => {
        reject(error ?? new Error("closed during the TLS handshake"));
        closed(socket, error);
      };
    });
  }
  let socket: BunSocket<BunSocketData> | undefined;
  try {
    socket = await bun().connect<BunSocketData>({
      hostname,
      port: address.port,
      socket: handlers,
      allowHalfOpen: true,
      data: {},
      ...(secure === undefined ? {} : { tls: { serverName: hostname, ...secure } }),
    });
    await handshake;
  } catch (error) {
    socket?.terminate();
    const over = secure === undefined ? "" : " over TLS";
    throw new FramedError(
      "CONNECT_FAILED",
      `could not connect to ${hostname}:${address.port}${over}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return wrap(socket, framing, { ...options, role: "client" });
}

/** Options for {@link listen}. */
export interface BunListenOptions extends StreamOptions, ListenOptions {
  /** Accept TLS connections with this PEM certificate chain and key. */
  tls?: ListenTlsOptions;
  writableHighWaterMark?: number;
}

/** A running Bun listener; `server` is the `Bun.listen` socket listener, as Node's listener has its `net.Server`. */
export interface BunTcpListener<T> extends Listener<T> {
  readonly server: BunSocketListener;
}

/**
 * Accept connections with `Bun.listen` (over TLS with `options.tls`) and hand each one to `onStream`.
 *
 * @example
 * ```ts
 * const server = await listen({ port: 0 }, newline(), async (stream) => {
 *   for await (const line of stream) await stream.send(line);
 * });
 * ```
 */
export async function listen<T>(
  address: BunAddress,
  framing: Framing<T>,
  onStream: StreamHandler<T, MessageStream<T>, BunSocket<BunSocketData>>,
  options: BunListenOptions = {},
): Promise<BunTcpListener<T>> {
  const hostname = hostOf(address);
  const registry = new StreamRegistry<T>(options);
  let stopped = false;
  const accept = (socket: BunSocket<BunSocketData>) => {
    if (stopped) socket.terminate();
    else registry.accept(wrap(socket, framing, { ...options, role: "server" }), onStream, socket);
  };
  const handlers = bunSocketHandlers(options);
  if (options.tls === undefined) handlers.open = (socket) => accept(prepare(socket));
  else {
    // A TLS client becomes a stream once its handshake is done; a failing one never does.
    handlers.open = prepare;
    handlers.handshake = (socket, success) => (success ? accept(socket) : socket.terminate());
  }
  function prepare(socket: BunSocket<BunSocketData>): BunSocket<BunSocketData> {
    socket.data ??= {};
    socket.data.transport ??= new BunSocketTransport(socket, options);
    return socket;
  }
  let server: ReturnType<ReturnType<typeof bun>["listen"]>;
  try {
    server = bun().listen<BunSocketData>({
      hostname,
      port: address.port,
      socket: handlers,
      allowHalfOpen: true,
      ...(options.tls === undefined ? {} : { tls: options.tls }),
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
  return {
    server,
    address: { host: server.hostname, port: server.port },
    streams: registry.streams,
    close: async (closeOptions) => {
      stopped = true;
      server.stop(false);
      await registry.closeAll(closeOptions);
    },
  };
}

/** The Bun entry points for one framing. */
export interface BunBinding<T, O> {
  wrap(socket: BunSocket<BunSocketData>, options?: O & BunWrapOptions): MessageStream<T>;
  connect(address: BunAddress, options?: O & BunConnectOptions): Promise<MessageStream<T>>;
  listen(
    address: BunAddress,
    onStream: StreamHandler<T, MessageStream<T>, BunSocket<BunSocketData>>,
    options?: O & BunListenOptions,
  ): Promise<BunTcpListener<T>>;
}

/**
 * Pre-bind the Bun entry points to a framing factory (which must ignore the stream's option keys).
 *
 * @example
 * ```ts
 * export const { connect, listen, wrap } = bind(lengthPrefix);
 * ```
 */
export function bind<T, O extends object>(createFraming: (options?: O) => Framing<T>): BunBinding<T, O> {
  return {
    wrap: (socket, options) => wrap(socket, createFraming(options), options),
    connect: (address, options) => connect(address, createFraming(options), options),
    listen: (address, onStream, options) => listen(address, createFraming(options), onStream, options),
  };
}
