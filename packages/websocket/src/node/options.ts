/**
 * Options of the Node WebSocket server and client: the shared ones, plus TLS settings for `wss:` clients.
 */
import type * as tls from "node:tls";
import type { ClientOptions } from "../adapter/options.ts";

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

/** Options of the Node `connect`. */
export interface ConnectOptions extends ClientOptions {
  /** TLS options for `wss:` (`ca`, `cert`, `rejectUnauthorized`…). */
  tls?: tls.ConnectionOptions;
}
