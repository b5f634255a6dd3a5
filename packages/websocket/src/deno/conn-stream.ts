/**
 * A WebSocket stream over a `Deno.Conn`: the connection as core's byte transport (seen through `WatchedConn`
 * when keep-alive is on), the stream itself opened by the one runtime-neutral `openWebSocketStream`.
 */
import { denoConnTransport } from "@framed/core/deno";
import { openWebSocketStream, type StreamOpening } from "../adapter/open-stream.ts";
import type { WebSocketStream } from "../adapter/websocket-stream.ts";
import type { DenoConn } from "./deno-api.ts";
import { WatchedConn } from "./keep-alive.ts";

/**
 * @example
 * ```ts
 * const stream = connStream(conn, accepted.opening);
 * ```
 */
export function connStream(conn: DenoConn, opening: StreamOpening): WebSocketStream {
  const watched = opening.keepAlive ? new WatchedConn(conn) : undefined;
  const transport = denoConnTransport(watched ?? conn, opening.options);
  return openWebSocketStream(
    transport,
    opening,
    watched && ((heartbeat, settings) => watched.keepAlive(heartbeat, settings)),
  );
}
