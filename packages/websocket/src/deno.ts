/**
 * `@framed/websocket/deno`: WebSocket for Deno.
 * - `listen` / `connect`: our own RFC 6455 + permessage-deflate core over raw `Deno.listen` /
 *   `Deno.connect` / `Deno.connectTls`, the same streams, options and close codes as `@framed/websocket/node`.
 * - `upgrade` / `serve`: Deno's own server WebSocket, for `Deno.serve` users.
 * - `connectNative` / `wrap` (`fromWebSocket`, deprecated): Deno's own client `WebSocket`, as in the browser entry.
 */

export type { KeepAliveOptions, ServerOptions, VerifyRefusal, VerifyResult } from "./adapter/options.ts";
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
export { connect } from "./deno/client.ts";
export type { DenoHttpServer } from "./deno/deno-api.ts";
export { type ListenAddress, listen, type WebSocketListener } from "./deno/listen.ts";
export type { ConnectOptions, ListenServerOptions } from "./deno/options.ts";
export { type ServeListener, serve, type UpgradeOptions, upgrade } from "./deno/serve.ts";
export * from "./index.ts";
