/**
 * The one place every runtime turns a finished opening handshake into a WebSocket stream: Node sockets and
 * HTTP/2 streams, `Deno.Conn`s and Bun sockets, client and server. A runtime brings its byte transport and,
 * when keep-alive is on, a way to watch its connection; everything else is decided here.
 */
import type { ByteTransport, Role, StreamOptions } from "@framed/core";
import type { UpgradeRequest } from "../handshake/server-handshake.ts";
import type { WebSocketFraming } from "../index.ts";
import type { KeepAliveOptions } from "./options.ts";
import { type Agreement, WebSocketStream } from "./websocket-stream.ts";

/** What a stream is opened with, from the handshake that produced it. */
export interface StreamOpening {
  role: Role;
  /** The framing for what the handshake agreed (with its permessage-deflate, when agreed). */
  framing: WebSocketFraming;
  /** The stream options (limits, timeouts, logger). */
  options: StreamOptions | undefined;
  /** The subprotocol, extensions and deflate agreed (and the 101, on a client). */
  agreement: Agreement;
  /** Bytes read past the handshake head (frames the peer sent eagerly), decoded first. */
  head?: Uint8Array;
  /** Server streams: the upgrade request, or its head's text (see `requestToKeep`). */
  request?: UpgradeRequest | string;
  /** Keep-alive settings, or null for none. */
  keepAlive?: Required<KeepAliveOptions> | null;
}

/**
 * Start a runtime's keep-alive clock on its connection, pinging through `heartbeat`. May return a `stop`
 * that is called once the stream has closed (a clock that stops on its own returns nothing).
 */
export type KeepAliveStarter = (
  heartbeat: () => void,
  settings: Required<KeepAliveOptions>,
) => (() => void) | undefined;

/**
 * Open the WebSocket stream over `transport`, and start keep-alive when the opening asks for it.
 *
 * @example
 * ```ts
 * const transport = nodeStreamTransport(socket, socket, opening.options);
 * const stream = openWebSocketStream(transport, opening, (beat, settings) => startKeepAlive(socket, beat, settings));
 * ```
 */
export function openWebSocketStream(
  transport: ByteTransport,
  opening: StreamOpening,
  keepAlive?: KeepAliveStarter,
): WebSocketStream {
  const { role, framing, options, head, agreement, request } = opening;
  const stream = new WebSocketStream({ transport, framing, role, options, head }, agreement, request);
  if (opening.keepAlive && keepAlive) {
    const stop = keepAlive(() => stream.heartbeat(), opening.keepAlive);
    if (stop) stream.closed.then(stop, stop);
  }
  return stream;
}
