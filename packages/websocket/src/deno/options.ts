/**
 * Options of the Deno WebSocket client: the shared ones, plus the certificates to trust for `wss:`.
 */
import type { ClientOptions } from "../adapter/options.ts";

export type {
  KeepAliveOptions,
  ServerOptions,
  VerifyRefusal,
  VerifyResult,
} from "../adapter/options.ts";

/** Options of the Deno `connect`. */
export interface ConnectOptions extends ClientOptions {
  /** PEM certificates to trust for `wss:` besides the system's (`Deno.connectTls`'s `caCerts`). */
  caCerts?: string[];
}
