/**
 * `@framed/websocket/browser`: the browser's own `WebSocket` as a `MessageStream<string | Uint8Array>`, the
 * same interface the Node adapters return, so application code moves between runtimes unchanged.
 */
import { Connection, FramedError, type MessageStream, type ReadyState, type StreamOptions } from "@framed/core";
import { whenWebSocketOpen } from "@framed/core/browser";
import { NativeWebSocketTransport } from "./native/native-websocket-transport.ts";

/** A MessageStream over a native WebSocket, with what the handshake agreed. */
export interface NativeWebSocketStream extends MessageStream<string | Uint8Array> {
  /** The subprotocol the server picked ("" for none). */
  readonly protocol: string;
  /** The extensions the server accepted, as the browser reports them. */
  readonly extensions: string;
  readonly url: string;
  /** `"open"`, `"closing"` or `"closed"`, synchronously. */
  readonly readyState: ReadyState;
  /** The browser socket's own `bufferedAmount`: bytes sent and not yet on the network. */
  readonly bufferedAmount: number;
}

/** Options of {@link connect} and {@link wrap}. */
export interface BrowserWebSocketOptions extends StreamOptions {
  /** Subprotocols to offer. */
  protocols?: string | string[];
  /** `bufferedAmount` above which `send` waits. Default 1 MiB. */
  writableHighWaterMark?: number;
  /** Milliseconds to wait for the socket to open. Default 10,000. */
  handshakeTimeout?: number;
}

/**
 * Wrap an existing native WebSocket (waits for it to open): `wrap` takes the runtime's own connection object,
 * as core's `wrap` takes a socket. (Core's `fromWebSocket` is something else: a byte pipe over a WebSocket.)
 *
 * @example
 * ```ts
 * const stream = await wrap(new WebSocket("wss://example.com/chat"));
 * ```
 */
export function wrap(socket: WebSocket, options: BrowserWebSocketOptions = {}): Promise<NativeWebSocketStream> {
  const make = (): NativeWebSocketStream => {
    const transport = new NativeWebSocketTransport(socket, options.writableHighWaterMark ?? 1024 * 1024);
    const stream = new Connection({ transport, framing: transport, role: "client", options });
    return Object.defineProperties(stream, {
      protocol: { get: () => socket.protocol, enumerable: true },
      extensions: { get: () => socket.extensions, enumerable: true },
      url: { value: socket.url, enumerable: true },
    }) as unknown as NativeWebSocketStream;
  };
  const timeout = options.handshakeTimeout ?? 10_000;
  return whenWebSocketOpen(socket, {
    timeout,
    timedOut: () => new FramedError("TIMEOUT", `the WebSocket to ${socket.url} did not open within ${timeout} ms`),
    // Browsers deliberately hide why (refused handshake, HTTP status, unreachable host) from scripts.
    failure: () =>
      new FramedError(
        "HANDSHAKE_FAILED",
        `the WebSocket to ${socket.url} did not open (the browser does not say why: a refused handshake, an HTTP error or an unreachable server)`,
      ),
  }).then(make);
}

/**
 * The old name of {@link wrap}.
 *
 * @deprecated Use `wrap(socket)`. In `@framed/core` and the framings, `fromWebSocket` means a byte pipe over a
 * WebSocket; here it meant a message socket. `fromWebSocket` goes away in the next minor version.
 */
export const fromWebSocket: typeof wrap = wrap;

/**
 * Open a WebSocket and wrap it.
 *
 * @example
 * ```ts
 * import { connect } from "@framed/websocket/browser";
 * const stream = await connect("wss://example.com/chat", { protocols: ["chat"] });
 * await stream.send("hello");
 * for await (const message of stream) render(message);
 * const { code, reason } = await stream.closed; // the server's close code and reason
 * ```
 */
export function connect(url: string | URL, options: BrowserWebSocketOptions = {}): Promise<NativeWebSocketStream> {
  let socket: WebSocket;
  try {
    socket = new WebSocket(url, options.protocols);
  } catch (error) {
    return Promise.reject(
      new FramedError("CONNECT_FAILED", `cannot open a WebSocket to ${String(url)}: ${(error as Error).message}`, {
        cause: error,
      }),
    );
  }
  return wrap(socket, options);
}

export { NativeWebSocketTransport } from "./native/native-websocket-transport.ts";
