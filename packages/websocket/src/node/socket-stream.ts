/**
 * A WebSocket stream over a Node socket: what core's `wrap` does (the socket as the byte transport),
 * building the WebSocket stream itself so that one object per connection serves as both.
 */
import type { Duplex } from "node:stream";
import type { ConnectionSetup } from "@framed/core";
import { nodeStreamTransport } from "@framed/core/node";
import { type Agreement, type WebSocketMessage, WebSocketStream } from "../adapter/websocket-stream.ts";
import type { UpgradeRequest } from "../handshake/server-handshake.ts";

/**
 * @example
 * ```ts
 * const stream = socketStream(socket, { framing, role: "server", options, head }, agreement, headText);
 * ```
 */
export function socketStream(
  socket: Duplex,
  setup: Omit<ConnectionSetup<WebSocketMessage>, "transport">,
  agreement: Agreement,
  request?: UpgradeRequest | string,
): WebSocketStream {
  const transport = nodeStreamTransport(socket, socket, setup.options);
  return new WebSocketStream({ ...setup, transport }, agreement, request);
}
