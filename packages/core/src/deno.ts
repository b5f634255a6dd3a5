/**
 * `@framed/core/deno`: Deno TCP (Deno.connect / Deno.listen / any Deno.Conn) for any framing.
 */

import { type HostAddress, hostOf } from "./address.ts";
import { Connection } from "./connection.ts";
import { denoConnTransport } from "./deno/conn-transport.ts";
import { type DenoConn, type DenoListener, deno } from "./deno/deno-api.ts";
import { FramedError } from "./errors.ts";
import type { Framing, Role } from "./framing.ts";
import { type Listener, type ListenOptions, type StreamHandler, StreamRegistry } from "./listener.ts";
import type { FramedStream, MessageStream, StreamOptions } from "./message-stream.ts";
import { type ConnectTlsOptions, type ListenTlsOptions, trustedCertificates } from "./tls-options.ts";

export { denoConnTransport } from "./deno/conn-transport.ts";
export type { DenoConn, DenoListener } from "./deno/deno-api.ts";
export * from "./index.ts";

/** A TCP address: `{ host, port }` as on every runtime (`hostname` is a deprecated alias). `host` defaults to 127.0.0.1. */
export type DenoAddress = HostAddress;

/** Options for {@link wrap}. */
export interface DenoWrapOptions extends StreamOptions {
  role?: Role;
  head?: Uint8Array;
  writableHighWaterMark?: number;
}

/**
 * Frame an open `Deno.Conn`.
 *
 * @example
 * ```ts
 * const stream = wrap(await Deno.connect({ port: 9000 }), lengthPrefix());
 * ```
 */
export function wrap<T>(conn: DenoConn, framing: Framing<T>, options: DenoWrapOptions = {}): FramedStream<T> {
  return new Connection({
    transport: denoConnTransport(conn, options),
    framing,
    role: options.role ?? "client",
    options,
    head: options.head,
  });
}

/** Options for {@link connect}. */
export interface DenoConnectOptions extends StreamOptions {
  /**
   * Connect over TLS (`Deno.connectTls`); `ca` adds PEM certificates to trust (a self-signed server's).
   * The stream is handed out once the handshake is done, and a refused certificate fails `connect` with
   * `CONNECT_FAILED`.
   */
  tls?: ConnectTlsOptions | true;
}

/**
 * Open a TCP connection with `Deno.connect`, or a TLS one with `Deno.connectTls`, and frame it.
 *
 * @example
 * ```ts
 * const stream = await connect({ port: 9000 }, newline());
 * const secure = await connect({ host: "example.com", port: 9443 }, newline(), { tls: true });
 * ```
 */
export async function connect<T>(
  address: DenoAddress,
  framing: Framing<T>,
  options: DenoConnectOptions = {},
): Promise<MessageStream<T>> {
  const hostname = hostOf(address);
  const secure = options.tls === true ? {} : options.tls;
  let conn: DenoConn | undefined;
  try {
    if (secure === undefined) {
      conn = await deno().connect({ hostname, port: address.port });
    } else {
      conn = await deno().connectTls({ hostname, port: address.port, caCerts: trustedCertificates(secure) });
      await conn.handshake?.();
    }
  } catch (error) {
    conn?.close();
    const over = secure === undefined ? "" : " over TLS";
    throw new FramedError(
      "CONNECT_FAILED",
      `could not connect to ${hostname}:${address.port}${over}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return wrap(conn, framing, { ...options, role: "client" });
}

/** Options for {@link listen}. */
export interface DenoListenOptions extends StreamOptions, ListenOptions {
  /**
   * Accept TLS connections (`Deno.listenTls`) with this PEM certificate chain and key. A stream is handed to
   * `onStream` once its handshake is done; a client whose handshake fails never becomes a stream.
   */
  tls?: ListenTlsOptions;
}

/** A running Deno listener; `server` is the `Deno.Listener` it accepts on, as Node's listener has its `net.Server`. */
export interface DenoTcpListener<T> extends Listener<T> {
  readonly server: DenoListener;
}

/**
 * Accept TCP connections with `Deno.listen`, or TLS ones with `Deno.listenTls`, and hand each one to
 * `onStream`.
 *
 * @example
 * ```ts
 * const server = await listen({ port: 0 }, newline(), async (stream) => {
 *   for await (const line of stream) await stream.send(line);
 * });
 * const secure = await listen({ port: 9443 }, newline(), handler, { tls: { cert, key } });
 * ```
 */
export async function listen<T>(
  address: DenoAddress,
  framing: Framing<T>,
  onStream: StreamHandler<T, MessageStream<T>, DenoConn>,
  options: DenoListenOptions = {},
): Promise<DenoTcpListener<T>> {
  const hostname = hostOf(address);
  const secure = options.tls;
  let listener: DenoListener;
  try {
    listener =
      secure === undefined
        ? deno().listen({ hostname, port: address.port })
        : deno().listenTls({ hostname, port: address.port, cert: secure.cert, key: secure.key });
  } catch (error) {
    throw new FramedError(
      "CONNECT_FAILED",
      `could not listen on ${hostname}:${address.port}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const registry = new StreamRegistry<T>(options);
  let stopped = false;
  const accept = (conn: DenoConn) => {
    if (stopped) conn.close();
    else registry.accept(wrap(conn, framing, { ...options, role: "server" }), onStream, conn);
  };
  const accepting = (async () => {
    try {
      for await (const conn of listener) {
        if (secure === undefined || conn.handshake === undefined) accept(conn);
        // Handshakes run side by side: a slow or failing client never holds up the next one.
        else
          conn.handshake().then(
            () => accept(conn),
            () => conn.close(),
          );
      }
    } catch (error) {
      if (!stopped) console.error("framed: the listener stopped accepting connections:", error);
    }
  })();
  return {
    server: listener,
    address: { host: listener.addr.hostname, port: listener.addr.port },
    streams: registry.streams,
    close: async (closeOptions) => {
      stopped = true;
      listener.close();
      await registry.closeAll(closeOptions);
      await accepting.catch(() => {});
    },
  };
}

/** The Deno entry points for one framing. */
export interface DenoBinding<T, O> {
  wrap(conn: DenoConn, options?: O & DenoWrapOptions): MessageStream<T>;
  connect(address: DenoAddress, options?: O & DenoConnectOptions): Promise<MessageStream<T>>;
  listen(
    address: DenoAddress,
    onStream: StreamHandler<T, MessageStream<T>, DenoConn>,
    options?: O & DenoListenOptions,
  ): Promise<DenoTcpListener<T>>;
}

/**
 * Pre-bind the Deno entry points to a framing factory (which must ignore the stream's option keys).
 *
 * @example
 * ```ts
 * export const { connect, listen, wrap } = bind(lengthPrefix);
 * ```
 */
export function bind<T, O extends object>(createFraming: (options?: O) => Framing<T>): DenoBinding<T, O> {
  return {
    wrap: (conn, options) => wrap(conn, createFraming(options), options),
    connect: (address, options) => connect(address, createFraming(options), options),
    listen: (address, onStream, options) => listen(address, createFraming(options), onStream, options),
  };
}
