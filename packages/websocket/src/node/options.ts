/**
 * Options of the Node WebSocket server and client: the shared ones, plus TLS settings for `wss:` clients.
 */
import type * as tls from "node:tls";
import type { ClientOptions, ServerOptions } from "../adapter/options.ts";
import type { Http2SessionPool } from "./http2-session-pool.ts";

export {
  DEFAULT_HANDSHAKE_TIMEOUT,
  type FramingOptions,
  framingOptions,
  type KeepAliveOptions,
  keepAliveSettings,
  type ServerOptions,
  streamOptions,
  timeoutOption,
  type VerifyRefusal,
  type VerifyResult,
} from "../adapter/options.ts";

/** Options of the Node `listen`: the server's, plus TLS for `wss:` on its own port. */
export interface ListenServerOptions extends ServerOptions {
  /**
   * Accept TLS connections with these `tls.createServer` options (`cert` and `key`, or `pfx`), as core's
   * `listen` does: the listener's `url` is then `wss://…`. The opening handshake (and `handshakeTimeout`) starts
   * once the TLS handshake is done; a client whose TLS handshake fails never reaches `onHandshakeError`.
   */
  tls?: tls.TlsOptions;
}

/** Options of the Node `connect`. */
export interface ConnectOptions extends ClientOptions {
  /** TLS options for `wss:` (`ca`, `cert`, `rejectUnauthorized`…). */
  tls?: tls.ConnectionOptions;
  /**
   * Open the WebSocket as a stream of an HTTP/2 connection (RFC 8441 extended CONNECT) instead of its own
   * HTTP/1.1 connection. `true` uses a session of its own, closed with the WebSocket; an
   * {@link Http2SessionPool} shares one session per origin among every `connect` given that pool.
   * Default false.
   */
  http2?: boolean | Http2SessionPool;
  /**
   * With `http2`, what to do when the server cannot carry WebSocket over HTTP/2 (no HTTP/2, or no
   * `SETTINGS_ENABLE_CONNECT_PROTOCOL`): `"http1"` connects over HTTP/1.1 instead, `"fail"` rejects
   * with `HANDSHAKE_FAILED` (or the connection's error). Default `"http1"`.
   */
  http2Fallback?: "http1" | "fail";
}
