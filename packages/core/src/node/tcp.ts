/**
 * Node TCP (and Unix socket) entry points: wrap a socket, connect, listen.
 */
import * as net from "node:net";
import type { Duplex } from "node:stream";
import { FramedError } from "../errors.ts";
import { FramedStream } from "../framed-stream.ts";
import type { Framing, Role } from "../framing.ts";
import { type Listener, type ListenOptions, type StreamHandler, StreamRegistry } from "../listener.ts";
import type { MessageStream, StreamOptions } from "../message-stream.ts";
import { nodeStreamTransport } from "./stream-transport.ts";

/** A TCP host and port, or a Unix socket path. `host` defaults to 127.0.0.1. */
export type NodeAddress = { host?: string; port: number } | { path: string };

/** Options for {@link wrap}. */
export interface WrapOptions extends StreamOptions {
  /** Default `"client"`. */
  role?: Role;
  /** Bytes already read from the socket (after an HTTP upgrade, say); decoded before anything else. */
  head?: Uint8Array;
}

/**
 * Frame an existing socket or Duplex.
 *
 * @example
 * ```ts
 * server.on("connection", (socket) => handle(wrap(socket, lengthPrefix(), { role: "server" })));
 * ```
 */
export function wrap<T>(socket: Duplex, framing: Framing<T>, options: WrapOptions = {}): FramedStream<T> {
  return new FramedStream({
    transport: nodeStreamTransport(socket, socket, options),
    framing,
    role: options.role ?? "client",
    options,
    head: options.head,
  });
}

function describeAddress(address: NodeAddress): string {
  return "path" in address ? address.path : `${address.host ?? "127.0.0.1"}:${address.port}`;
}

/**
 * Open a TCP connection and frame it.
 *
 * @example
 * ```ts
 * const stream = await connect({ port: 9000 }, newline());
 * await stream.send("hello");
 * ```
 */
export function connect<T>(
  address: NodeAddress,
  framing: Framing<T>,
  options: StreamOptions = {},
): Promise<MessageStream<T>> {
  return new Promise((resolve, reject) => {
    const target =
      "path" in address ? { path: address.path } : { host: address.host ?? "127.0.0.1", port: address.port };
    const socket = net.connect({ ...target, allowHalfOpen: true });
    const onError = (error: Error) => {
      reject(
        new FramedError("CONNECT_FAILED", `could not connect to ${describeAddress(address)}: ${error.message}`, {
          cause: error,
        }),
      );
    };
    socket.once("error", onError);
    socket.once("connect", () => {
      socket.off("error", onError);
      resolve(wrap(socket, framing, { ...options, role: "client" }));
    });
  });
}

/** A Node listener: the shared {@link Listener} plus the `net.Server`. */
export interface NodeListener<T> extends Listener<T> {
  readonly server: net.Server;
}

/**
 * Accept TCP connections and hand each one to `onStream` as a framed stream.
 *
 * @example
 * ```ts
 * const server = await listen({ port: 0 }, lengthPrefix(), async (stream) => {
 *   for await (const message of stream) await stream.send(message);
 * });
 * console.log("listening", server.address.port);
 * ```
 */
export function listen<T>(
  address: NodeAddress,
  framing: Framing<T>,
  onStream: StreamHandler<T, MessageStream<T>, net.Socket>,
  options: StreamOptions & ListenOptions = {},
): Promise<NodeListener<T>> {
  const registry = new StreamRegistry<T>(options);
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    registry.accept(wrap(socket, framing, { ...options, role: "server" }), onStream, socket);
  });
  return new Promise((resolve, reject) => {
    server.once("error", (error) =>
      reject(
        new FramedError("CONNECT_FAILED", `could not listen on ${describeAddress(address)}: ${error.message}`, {
          cause: error,
        }),
      ),
    );
    const ready = () => {
      const bound = server.address();
      const where =
        typeof bound === "object" && bound
          ? { host: bound.address, port: bound.port }
          : { host: String(bound), port: 0 };
      resolve({
        server,
        address: where,
        streams: registry.streams,
        close: async (closeOptions) => {
          const stopped = new Promise<void>((done) => server.close(() => done()));
          await registry.closeAll(closeOptions);
          await stopped;
        },
      });
    };
    if ("path" in address) server.listen(address.path, ready);
    else server.listen(address.port, address.host ?? "127.0.0.1", ready);
  });
}
