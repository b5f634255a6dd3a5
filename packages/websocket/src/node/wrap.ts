/**
 * `wrap(socket)` on Node: a WebSocket stream over a socket whose opening handshake was done elsewhere (a
 * proxy, a custom HTTP stack, a socket handed over from another process), as core's `wrap` takes a Duplex.
 */
import type { Duplex } from "node:stream";
import type { Role, StreamOptions } from "@framed/core";
import { framingOptions, streamOptions } from "../adapter/options.ts";
import type { WebSocketMessageStream } from "../adapter/websocket-connection.ts";
import { websocket } from "../index.ts";
import type { WebSocketOptions } from "../protocol/options.ts";
import { socketStream } from "./upgrade.ts";

/** Options of {@link wrap}: the framing's and the stream's, plus what the finished handshake agreed. */
export interface WebSocketWrapOptions extends Omit<WebSocketOptions, "slab">, StreamOptions {
  /** Which end this is: a client masks what it sends, a server expects masked frames. Default `"client"`. */
  role?: Role;
  /** Bytes already read from the socket after the handshake (the first frames), fed before the socket's. */
  head?: Uint8Array;
  /** The subprotocol the handshake agreed, for the stream's `protocol`. Default `""`. */
  protocol?: string;
  /** The `Sec-WebSocket-Extensions` value the handshake agreed, for the stream's `extensions`. Default `""`. */
  extensions?: string;
}

/**
 * Wrap a connected socket whose WebSocket opening handshake is already done: frames from here on. `deflate`
 * is the permessage-deflate the handshake agreed (none when left out).
 *
 * @example
 * ```ts
 * import { wrap } from "@framed/websocket/node";
 * const stream = wrap(socket, { role: "server", head, protocol: "chat" }); // after your own 101
 * for await (const message of stream) await stream.send(message);
 * ```
 */
export function wrap(socket: Duplex, options: WebSocketWrapOptions = {}): WebSocketMessageStream {
  const deflate = options.deflate ?? null;
  const framing = websocket({ ...framingOptions(options), deflate });
  return socketStream(socket, {
    framing,
    role: options.role ?? "client",
    options: streamOptions(options),
    head: options.head,
    agreement: { protocol: options.protocol ?? "", extensions: options.extensions ?? "", deflate },
  });
}
