/**
 * `@framed/core/deno`: Deno TCP (Deno.connect / Deno.listen / any Deno.Conn) for any framing.
 */
import { denoConnTransport } from "./deno/conn-transport.ts";
import { type DenoConn, deno } from "./deno/deno-api.ts";
import { FramedError } from "./errors.ts";
import { FramedStream } from "./framed-stream.ts";
import type { Framing, Role } from "./framing.ts";
import { type Listener, type ListenOptions, type StreamHandler, StreamRegistry } from "./listener.ts";
import type { MessageStream, StreamOptions } from "./message-stream.ts";

export { denoConnTransport } from "./deno/conn-transport.ts";
export type { DenoConn, DenoListener } from "./deno/deno-api.ts";
export * from "./index.ts";

/** A TCP address as Deno spells it. `hostname` defaults to 127.0.0.1. */
export interface DenoAddress {
  hostname?: string;
  port: number;
}

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
  return new FramedStream({
    transport: denoConnTransport(conn, options),
    framing,
    role: options.role ?? "client",
    options,
    head: options.head,
  });
}

/**
 * Open a TCP connection with `Deno.connect` and frame it.
 *
 * @example
 * ```ts
 * const stream = await connect({ port: 9000 }, newline());
 * ```
 */
export async function connect<T>(
  address: DenoAddress,
  framing: Framing<T>,
  options: StreamOptions = {},
): Promise<MessageStream<T>> {
  const hostname = address.hostname ?? "127.0.0.1";
  let conn: DenoConn;
  try {
    conn = await deno().connect({ hostname, port: address.port });
  } catch (error) {
    throw new FramedError(
      "CONNECT_FAILED",
      `could not connect to ${hostname}:${address.port}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return wrap(conn, framing, { ...options, role: "client" });
}

/**
 * Accept TCP connections with `Deno.listen` and hand each one to `onStream`.
 *
 * @example
 * ```ts
 * const server = await listen({ port: 0 }, newline(), async (stream) => {
 *   for await (const line of stream) await stream.send(line);
 * });
 * ```
 */
export async function listen<T>(
  address: DenoAddress,
  framing: Framing<T>,
  onStream: StreamHandler<T, MessageStream<T>, DenoConn>,
  options: StreamOptions & ListenOptions = {},
): Promise<Listener<T>> {
  const hostname = address.hostname ?? "127.0.0.1";
  let listener: ReturnType<ReturnType<typeof deno>["listen"]>;
  try {
    listener = deno().listen({ hostname, port: address.port });
  } catch (error) {
    throw new FramedError(
      "CONNECT_FAILED",
      `could not listen on ${hostname}:${address.port}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const registry = new StreamRegistry<T>(options);
  let stopped = false;
  const accepting = (async () => {
    try {
      for await (const conn of listener)
        registry.accept(wrap(conn, framing, { ...options, role: "server" }), onStream, conn);
    } catch (error) {
      if (!stopped) (options.onHandlerError ?? console.error)(error);
    }
  })();
  return {
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
  connect(address: DenoAddress, options?: O & StreamOptions): Promise<MessageStream<T>>;
  listen(
    address: DenoAddress,
    onStream: StreamHandler<T, MessageStream<T>, DenoConn>,
    options?: O & StreamOptions & ListenOptions,
  ): Promise<Listener<T>>;
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
