/**
 * A WebSocket stream over a Bun socket: core's Bun transport, and the stream opened by the one
 * runtime-neutral `openWebSocketStream`.
 */
import { type BunSocket, type BunSocketData, BunSocketTransport } from "@framed/core/bun";
import { openWebSocketStream, type StreamOpening } from "../adapter/open-stream.ts";
import type { WebSocketConnection } from "../adapter/websocket-connection.ts";

/**
 * Put core's Bun transport on `socket` (its handlers then feed it) and open the stream.
 *
 * @example
 * ```ts
 * const stream = bunSocketStream(socket, accepted.opening);
 * ```
 */
export function bunSocketStream<D extends BunSocketData>(
  socket: BunSocket<D>,
  opening: StreamOpening,
): WebSocketConnection {
  const transport = new BunSocketTransport(socket, opening.options);
  socket.data.transport = transport;
  return openWebSocketStream(transport, opening);
}
