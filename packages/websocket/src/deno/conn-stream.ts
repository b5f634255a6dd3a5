/**
 * A WebSocket stream over a `Deno.Conn`: what core's Deno `wrap` does (the connection as the byte
 * transport), building the WebSocket stream itself so that one object per connection serves as both.
 */
import type { ConnectionSetup } from "@framed/core";
import { type DenoConn, denoConnTransport } from "@framed/core/deno";
import { type Agreement, type WebSocketMessage, WebSocketStream } from "../adapter/websocket-stream.ts";
import type { UpgradeRequest } from "../handshake/server-handshake.ts";

/**
 * @example
 * ```ts
 * const stream = connStream(conn, { framing, role: "client", options, head }, agreement);
 * ```
 */
export function connStream(
  conn: DenoConn,
  setup: Omit<ConnectionSetup<WebSocketMessage>, "transport">,
  agreement: Agreement,
  request?: UpgradeRequest | string,
): WebSocketStream {
  const transport = denoConnTransport(conn, setup.options);
  return new WebSocketStream({ ...setup, transport }, agreement, request);
}
