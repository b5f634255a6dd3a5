/**
 * `@framed/websocket/node`: WebSocket servers (on their own port or on an `http`/`https` server) and
 * clients for Node, over core's Node transport and the sans-I/O WebSocket framing and handshake.
 */

export type {
  ServerWebSocketStream,
  WebSocketMessage,
  WebSocketMessageStream,
} from "./adapter/websocket-connection.ts";
export * from "./handshake/index.ts";
export * from "./index.ts";
export { connect } from "./node/client.ts";
export { attach, handleUpgrade, type WebSocketAttachment } from "./node/http-server.ts";
export type { Http2WebSocketServer } from "./node/http2-server.ts";
export { Http2SessionPool, type Http2SessionPoolOptions } from "./node/http2-session-pool.ts";
export { type ListenAddress, listen, type WebSocketListener } from "./node/listen.ts";
export type {
  ConnectOptions,
  KeepAliveOptions,
  ListenServerOptions,
  ServerOptions,
  VerifyRefusal,
  VerifyResult,
} from "./node/options.ts";
export { type WebSocketWrapOptions, wrap } from "./node/wrap.ts";
