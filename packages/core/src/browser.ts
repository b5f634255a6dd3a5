/**
 * `@framed/core/browser`: WHATWG transports for any framing, in browsers, Deno, Node or workers:
 * a `{ readable, writable }` byte-stream pair, a WebSocket used as a byte pipe, a fetch body.
 */
import { type ByteStreamPair, streamsTransport } from "./browser/streams-transport.ts";
import { whenWebSocketOpen } from "./browser/websocket-open.ts";
import { webSocketPipeTransport } from "./browser/websocket-pipe-transport.ts";
import { Connection } from "./connection.ts";
import { FramedError } from "./errors.ts";
import type { Framing, Role } from "./framing.ts";
import type { MessageStream, StreamOptions } from "./message-stream.ts";

export { type ByteStreamPair, streamsTransport } from "./browser/streams-transport.ts";
export { type WebSocketOpenOptions, whenWebSocketOpen } from "./browser/websocket-open.ts";
export { webSocketPipeTransport } from "./browser/websocket-pipe-transport.ts";
export * from "./index.ts";

/** Options for the browser entry points. */
export interface BrowserStreamOptions extends StreamOptions {
  /** Default `"client"`. */
  role?: Role;
  writableHighWaterMark?: number;
}

/**
 * Frame a WHATWG byte stream pair (leave `writable` out for read-only).
 *
 * @example
 * ```ts
 * const stream = fromStreams({ readable: transport.readable, writable: transport.writable }, lengthPrefix());
 * ```
 */
export function fromStreams<T>(
  pair: ByteStreamPair,
  framing: Framing<T>,
  options: BrowserStreamOptions = {},
): MessageStream<T> {
  return new Connection({
    transport: streamsTransport(pair, options),
    framing,
    role: options.role ?? "client",
    options,
  });
}

/**
 * Frame a fetch response body (read-only: `send` rejects with `CLOSED`).
 *
 * @example
 * ```ts
 * for await (const row of fromResponse(await fetch("/rows.ndjson"), ndjson())) render(row);
 * ```
 */
export function fromResponse<T>(
  response: Response | ReadableStream<Uint8Array>,
  framing: Framing<T>,
  options: BrowserStreamOptions = {},
): MessageStream<T> {
  let readable: ReadableStream<Uint8Array>;
  if (response instanceof ReadableStream) readable = response;
  else {
    if (!response.ok)
      throw new FramedError(
        "CONNECT_FAILED",
        `fetch of ${response.url || "response"} failed with HTTP ${response.status}`,
        { status: response.status },
      );
    if (!response.body) throw new FramedError("CONNECT_FAILED", `response from ${response.url || "fetch"} has no body`);
    readable = response.body;
  }
  return fromStreams({ readable }, framing, options);
}

/**
 * Frame a WebSocket used as a byte pipe (each binary WebSocket message carries stream bytes).
 * Waits for the socket to open; rejects with `CONNECT_FAILED` if it fails to.
 *
 * @example
 * ```ts
 * const stream = await fromWebSocket(new WebSocket("ws://127.0.0.1:9000/pipe"), lengthPrefix());
 * ```
 */
export function fromWebSocket<T>(
  socket: WebSocket,
  framing: Framing<T>,
  options: BrowserStreamOptions = {},
): Promise<MessageStream<T>> {
  const make = () =>
    new Connection({
      transport: webSocketPipeTransport(socket, options),
      framing,
      role: options.role ?? "client",
      options,
    });
  return whenWebSocketOpen(socket, {
    failure: (code) =>
      new FramedError(
        "CONNECT_FAILED",
        `WebSocket to ${socket.url} did not open${code ? ` (close code ${code})` : ""}`,
      ),
  }).then(make);
}

/** The browser entry points for one framing. */
export interface BrowserBinding<T, O> {
  fromStreams(pair: ByteStreamPair, options?: O & BrowserStreamOptions): MessageStream<T>;
  fromResponse(response: Response | ReadableStream<Uint8Array>, options?: O & BrowserStreamOptions): MessageStream<T>;
  fromWebSocket(socket: WebSocket, options?: O & BrowserStreamOptions): Promise<MessageStream<T>>;
}

/**
 * Pre-bind the browser entry points to a framing factory (which must ignore the stream's option keys).
 *
 * @example
 * ```ts
 * export const { fromStreams, fromResponse, fromWebSocket } = bind(ndjson);
 * ```
 */
export function bind<T, O extends object>(createFraming: (options?: O) => Framing<T>): BrowserBinding<T, O> {
  return {
    fromStreams: (pair, options) => fromStreams(pair, createFraming(options), options),
    fromResponse: (response, options) => fromResponse(response, createFraming(options), options),
    fromWebSocket: (socket, options) => fromWebSocket(socket, createFraming(options), options),
  };
}
