/**
 * Node TCP (and Unix socket) entry points: wrap a socket, connect, listen; over TLS with the `tls` option.
 */
import * as net from "node:net";
import type { Duplex } from "node:stream";
import * as tls from "node:tls";
import { type HostAddress, hostOf } from "../address.ts";
import { Connection } from "../connection.ts";
import { FramedError } from "../errors.ts";
import type { Framing, Role } from "../framing.ts";
import { type Listener, type ListenOptions, type StreamHandler, StreamRegistry } from "../listener.ts";
import type { FramedStream, MessageStream, StreamOptions } from "../message-stream.ts";
import { nodeStreamTransport } from "./stream-transport.ts";

/** A TCP host and port, or a Unix socket path. `host` defaults to 127.0.0.1. */
export type NodeAddress = HostAddress | { path: string };

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
  return new Connection({
    transport: nodeStreamTransport(socket, socket, options),
    framing,
    role: options.role ?? "client",
    options,
    head: options.head,
  });
}

function describeAddress(address: NodeAddress): string {
  return "path" in address ? address.path : `${hostOf(address)}:${address.port}`;
}

/** Options for {@link connect}. */
export interface NodeConnectOptions extends StreamOptions {
  /**
   * Connect over TLS with these `tls.connect` options (`ca`, `servername`, `rejectUnauthorized`, client
   * `cert`/`key`…); `true` for the defaults. The server name defaults to the host when it is a name, not an
   * IP address. The stream is handed out once the TLS handshake is done, and a refused certificate fails
   * `connect` with `CONNECT_FAILED`.
   */
  tls?: tls.ConnectionOptions | true;
}

/**
 * Open a TCP connection, or a TLS one with `options.tls`, and frame it.
 *
 * @example
 * ```ts
 * const stream = await connect({ port: 9000 }, newline());
 * await stream.send("hello");
 * const secure = await connect({ host: "example.com", port: 9443 }, newline(), { tls: true });
 * ```
 */
export function connect<T>(
  address: NodeAddress,
  framing: Framing<T>,
  options: NodeConnectOptions = {},
): Promise<MessageStream<T>> {
  return new Promise((resolve, reject) => {
    const target = "path" in address ? { path: address.path } : { host: hostOf(address), port: address.port };
    const secure = options.tls === true ? {} : options.tls;
    // tls.connect hands `allowHalfOpen` to its TLSSocket like net.connect does; @types/node leaves it out.
    const halfOpen = { allowHalfOpen: true } as tls.ConnectionOptions;
    const socket =
      secure === undefined
        ? net.connect({ ...target, allowHalfOpen: true })
        : tls.connect({ ...target, servername: serverName(target), ...secure, ...halfOpen });
    const onError = (error: Error) => {
      // A refused certificate is an error on a socket that is still open (TLS 1.3 ends the handshake first).
      socket.destroy();
      const over = secure === undefined ? "" : " over TLS";
      reject(
        new FramedError("CONNECT_FAILED", `could not connect to ${describeAddress(address)}${over}: ${error.message}`, {
          cause: error,
        }),
      );
    };
    socket.once("error", onError);
    socket.once(secure === undefined ? "connect" : "secureConnect", () => {
      socket.off("error", onError);
      resolve(wrap(socket, framing, { ...options, role: "client" }));
    });
  });
}

/** The TLS server name (SNI) for a connection's target: a host name only, never an IP address (RFC 6066 §3). */
function serverName(target: { host: string } | { path: string }): string | undefined {
  return "host" in target && net.isIP(target.host) === 0 ? target.host : undefined;
}

/** A Node listener: the shared {@link Listener} plus the `net.Server`. */
export interface NodeListener<T> extends Listener<T> {
  readonly server: net.Server;
}

/** Options for {@link listen}. */
export interface NodeListenOptions extends StreamOptions, ListenOptions {
  /**
   * Accept TLS connections with these `tls.createServer` options (`cert` and `key`, or `pfx`; `ca` and
   * `requestCert` for client certificates). A stream is handed to `onStream` once its handshake is done;
   * a client whose handshake fails never becomes a stream (the server's `tlsClientError` event tells of it).
   */
  tls?: tls.TlsOptions;
}

/**
 * Accept TCP connections, or TLS ones with `options.tls`, and hand each one to `onStream` as a framed stream.
 *
 * @example
 * ```ts
 * const server = await listen({ port: 0 }, lengthPrefix(), async (stream) => {
 *   for await (const message of stream) await stream.send(message);
 * });
 * console.log("listening", server.address.port);
 * const secure = await listen({ port: 9443 }, lengthPrefix(), handler, { tls: { cert, key } });
 * ```
 */
export function listen<T>(
  address: NodeAddress,
  framing: Framing<T>,
  onStream: StreamHandler<T, MessageStream<T>, net.Socket>,
  options: NodeListenOptions = {},
): Promise<NodeListener<T>> {
  const registry = new StreamRegistry<T>(options);
  /** TLS connections still in their handshake: no stream yet, so `close()` ends them itself. */
  const handshaking = new Set<net.Socket>();
  const accept = (socket: net.Socket) => {
    if (handshaking.size > 0) forgetHandshake(handshaking, socket);
    // Half-open from here on, so replies still go out after the peer's end. A TLS socket becomes half-open
    // only now: half-open during its handshake, it would outlive a client that refused our certificate and
    // hung up, until the handshake timeout (120 s).
    socket.allowHalfOpen = true;
    registry.accept(wrap(socket, framing, { ...options, role: "server" }), onStream, socket);
  };
  const server =
    options.tls === undefined
      ? net.createServer({ allowHalfOpen: true }, accept)
      : tls.createServer(options.tls, accept);
  if (options.tls !== undefined) {
    server.on("connection", (raw: net.Socket) => {
      handshaking.add(raw);
      raw.once("close", () => handshaking.delete(raw));
    });
  }
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
          for (const raw of handshaking) raw.destroy();
          await registry.closeAll(closeOptions);
          await stopped;
        },
      });
    };
    if ("path" in address) server.listen(address.path, ready);
    else server.listen(address.port, hostOf(address), ready);
  });
}

/**
 * Drop the raw socket under `secure` from `handshaking`. tls.Server names no link between the two in its
 * public API, but they are one kernel socket: the same remote address and port.
 */
function forgetHandshake(handshaking: Set<net.Socket>, secure: net.Socket): void {
  for (const raw of handshaking) {
    if (raw.remotePort === secure.remotePort && raw.remoteAddress === secure.remoteAddress) {
      handshaking.delete(raw);
      return;
    }
  }
}
