/**
 * Options of the Deno WebSocket client: the shared ones, plus the certificates to trust for `wss:`.
 */
import type { ConnectTlsOptions, ListenTlsOptions } from "@framed/core";
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
  tls?: ListenTlsOptions;
}

/** Options of the Deno `connect`. */
export interface ConnectOptions extends ClientOptions {
  /** TLS for `wss:`, as core's `connect` takes it: `ca` adds PEM certificates to trust besides the system's. */
  tls?: Pick<ConnectTlsOptions, "ca">;
  /**
   * PEM certificates to trust for `wss:` besides the system's.
   *
   * @deprecated Use `tls: { ca }`, the one TLS option across packages and runtimes. `caCerts` goes away in the
   * next minor version.
   */
  caCerts?: string[];
}
