/**
 * Options of the Deno WebSocket client: the shared ones, plus the certificates to trust for `wss:`.
 */
import type { ClientOptions, ServerOptions } from "../adapter/options.ts";

export type {
  KeepAliveOptions,
  ServerOptions,
  VerifyRefusal,
  VerifyResult,
} from "../adapter/options.ts";

/** Options of the Deno `listen`: the server's, plus TLS for `wss:` on its own port. */
export interface ListenServerOptions extends ServerOptions {
  /** Accept TLS connections (`Deno.listenTls`) with this PEM certificate chain and key; `url` is then `wss://…`. */
  tls?: { cert: string; key: string };
}

/** Options of the Deno `connect`. */
export interface ConnectOptions extends ClientOptions {
  /** PEM certificates to trust for `wss:` besides the system's (`Deno.connectTls`'s `caCerts`). */
  caCerts?: string[];
}
