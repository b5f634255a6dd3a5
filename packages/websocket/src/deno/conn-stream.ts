/**
 * A WebSocket stream over a `Deno.Conn`: the connection as core's byte transport, the stream itself opened by
 * the one runtime-neutral `openWebSocketStream`.
 */
import { denoConnTransport } from "@framed/core/deno";
import { openWebSocketStream, type StreamOpening } from "../adapter/open-stream.ts";
import type { WebSocketConnection } from "../adapter/websocket-connection.ts";
import type { DenoConn } from "./deno-api.ts";

/**
 * @example
 * ```ts
 * const stream = connStream(conn, accepted.opening);
 * ```
 */
export function connStream(conn: DenoConn, opening: StreamOpening): WebSocketConnection {
  return openWebSocketStream(denoConnTransport(conn, opening.options), opening);
}
