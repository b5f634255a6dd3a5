/**
 * A WebSocket stream over a Bun socket: core's Bun transport, keep-alive fed by the socket's `lastSeen`
 * (noted by the socket handlers), and the stream opened by the one runtime-neutral `openWebSocketStream`.
 */
import { type BunSocket, type BunSocketData, BunSocketTransport } from "@framed/core/bun";
import { startKeepAliveClock } from "../adapter/keep-alive.ts";
import { openWebSocketStream, type StreamOpening } from "../adapter/open-stream.ts";
import type { WebSocketStream } from "../adapter/websocket-stream.ts";

/** What a socket carries once it is a stream: its transport, and when a byte last arrived (keep-alive only). */
export interface StreamSocketData extends BunSocketData {
  lastSeen?: number;
}

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
): WebSocketStream {
  const transport = new BunSocketTransport(socket, opening.options);
  socket.data.transport = transport;
  ready?.(transport);
  return openWebSocketStream(transport, opening, (heartbeat, settings) => {
    socket.data.lastSeen = Date.now();
    return startKeepAliveClock(
      { lastSeen: () => socket.data.lastSeen ?? 0, paused: () => transport.paused, gone: () => false },
      heartbeat,
      (error) => transport.destroy(error),
      settings,
    );
  });
}
