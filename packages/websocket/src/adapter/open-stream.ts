/**
 * The one place every runtime turns a finished opening handshake into a WebSocket stream: Node sockets and
 * HTTP/2 streams, `Deno.Conn`s and Bun sockets, client and server. A runtime brings its byte transport;
 * everything else (keep-alive included: an option of the connection's clock) is decided here.
 */
import { type ByteTransport, type ConnectionOptions, type Role, systemTimers, type Timers } from "@framed/core";
import type { UpgradeRequest } from "../handshake/server-handshake.ts";
import type { WebSocketFraming } from "../index.ts";
import { type Agreement, WebSocketConnection } from "./websocket-connection.ts";

/** What a stream is opened with, from the handshake that produced it. */
export interface StreamOpening {
  role: Role;
  /** The framing for what the handshake agreed (with its permessage-deflate, when agreed). */
  framing: WebSocketFraming;
  /** The connection options (limits, timeouts, keep-alive), shared by a server's connections. */
  options: ConnectionOptions | undefined;
  /** The subprotocol, extensions and deflate agreed (and the 101, on a client). */
  agreement: Agreement;
  /** Bytes read past the handshake head (frames the peer sent eagerly), decoded first. */
  head?: Uint8Array;
  /** Server streams: the upgrade request, or its head's text (see `requestToKeep`). */
  request?: UpgradeRequest | string;
}

/**
 * Open the WebSocket stream over `transport`.
 *
 * @example
 * ```ts
 * const stream = openWebSocketStream(nodeStreamTransport(socket, socket, opening.options), opening);
 * ```
 */
export function openWebSocketStream(transport: ByteTransport, opening: StreamOpening): WebSocketConnection {
  const { role, framing, options, head, agreement, request } = opening;
  return new WebSocketConnection({ transport, framing, role, options, head }, agreement, request);
}

/** The opening handshake's deadline, running until `stop()`. */
export interface OpeningDeadline {
  stop(): void;
}

/**
 * The opening handshake's deadline: `onExpired` runs once when what is left of `handshake`'s deadline passes
 * before `stop()`. Undefined when the handshake has no deadline (`handshakeTimeout: 0`). Once open, the
 * connection's own clock keeps every later deadline.
 *
 * @example
 * ```ts
 * const deadline = openingDeadline(accept, () => giveUp(accept.expire()));
 * // … once the handshake is over, one way or another:
 * deadline?.stop();
 * ```
 */
export function openingDeadline(
  handshake: { timeUntilDeadline(): number | undefined },
  onExpired: () => void,
  timers: Timers = systemTimers,
): OpeningDeadline | undefined {
  const wait = handshake.timeUntilDeadline();
  if (wait === undefined) return undefined;
  const timer = timers.setTimeout(onExpired, Math.max(1, wait));
  return { stop: () => timers.clearTimeout(timer) };
}
