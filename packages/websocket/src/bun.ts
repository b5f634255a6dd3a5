/**
 * `@framed/websocket/bun`: WebSocket for Bun.
 * - `serve` / `websocketHandlers`: Bun's own server WebSocket (`Bun.serve`), with `send` that waits under
 *   backpressure and a byte-bounded queue for slow readers. The fastest server on Bun.
 * - `listen`: framed's own RFC 6455 + permessage-deflate core (strict limits, `verify`, keep-alive, the same
 *   close codes as on Node and Deno) over Bun's own sockets (`Bun.listen`).
 * - `connect`: the same core as a client, on Bun's own sockets (`Bun.connect`); `attach` / `handleUpgrade` for
 *   `node:http` servers.
 * - `connectNative` / `wrap` (`fromWebSocket`, deprecated): Bun's own client `WebSocket`, as in the browser entry.
 */

export type {
  ServerWebSocketStream,
  WebSocketMessage,
  WebSocketMessageStream,
} from "./adapter/websocket-connection.ts";
export {
  type BrowserWebSocketOptions,
  connect as connectNative,
  fromWebSocket,
  type NativeWebSocketStream,
  wrap,
} from "./browser.ts";
export type { BunServer, BunServerWebSocket, BunWebSocketHandler } from "./bun/bun-api.ts";
export { type BunConnectOptions, connect } from "./bun/client.ts";
export { type BunListenOptions, type BunWebSocketListener, listen } from "./bun/listen.ts";
export {
  type BunServeListener,
  type BunWebSocketOptions,
  type BunWebSocketStream,
  serve,
  websocketHandlers,
} from "./bun/serve.ts";
export type { BunWebSocketData } from "./bun/server-websocket-transport.ts";
export * from "./index.ts";
export { attach, handleUpgrade, type WebSocketAttachment } from "./node/http-server.ts";
export type { KeepAliveOptions, ServerOptions, VerifyRefusal, VerifyResult } from "./node/options.ts";
