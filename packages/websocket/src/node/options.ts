/**
 * Options of the Node WebSocket server and client: the shared ones, plus TLS settings for `wss:` clients.
 */
import type * as tls from "node:tls";
import type { ClientOptions, ServerOptions } from "../adapter/options.ts";

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
}
