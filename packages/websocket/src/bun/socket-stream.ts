/**
 * A WebSocket stream over a Bun socket: core's Bun transport, and the stream opened by the one
 * runtime-neutral `openWebSocketStream`.
 */
import { type BunSocket, type BunSocketData, BunSocketTransport } from "@framed/core/bun";
import { openWebSocketStream, type StreamOpening } from "../adapter/open-stream.ts";
import type { WebSocketConnection } from "../adapter/websocket-connection.ts";

/** What a socket carries once it is a stream: its transport. */
export type StreamSocketData = BunSocketData;

/**
 * Put core's Bun transport on `socket` (its handlers then feed it) and open the stream. `ready` runs once the
 * transport is in place, before the stream exists (to hand it an end that arrived during the handshake).
 *
 * @example
 * ```ts
 * const stream = bunSocketStream(socket, accepted.opening);
 * ```
 */
export function bunSocketStream<D extends StreamSocketData>(
  socket: BunSocket<D>,
  opening: StreamOpening,
  ready?: (transport: BunSocketTransport) => void,
): WebSocketConnection {
  const transport = new BunSocketTransport(socket, opening.options);
  socket.data.transport = transport;
  ready?.(transport);
  return openWebSocketStream(transport, opening);
}
