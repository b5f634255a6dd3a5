/**
 * A WebSocket stream over a Node socket or HTTP/2 stream: the socket as core's byte transport, keep-alive
 * fed by its `data` events, and the stream itself opened by the one runtime-neutral `openWebSocketStream`.
 */
import type { Duplex } from "node:stream";
import { nodeStreamTransport } from "@framed/core/node";
import { openWebSocketStream, type StreamOpening } from "../adapter/open-stream.ts";
import type { WebSocketStream } from "../adapter/websocket-stream.ts";
import { startKeepAlive } from "./keep-alive.ts";

/**
 * @example
 * ```ts
 * const stream = socketStream(socket, accepted.opening);
 * ```
 */
export function socketStream(socket: Duplex, opening: StreamOpening): WebSocketStream {
  const transport = nodeStreamTransport(socket, socket, opening.options);
  return openWebSocketStream(transport, opening, (heartbeat, settings) => {
    startKeepAlive(socket, heartbeat, settings);
    return undefined; // stops by itself when the socket closes
  });
}
