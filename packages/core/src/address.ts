/**
 * The one address shape every `connect` and `listen` takes, on every runtime: `{ host, port }` (Node's and
 * the listeners' `address` name), with Deno's and Bun's `hostname` accepted as a deprecated alias.
 */

/** A TCP address. `host` defaults to `127.0.0.1`. */
export interface HostAddress {
  /** Host name or IP address. Default `127.0.0.1`. */
  host?: string;
  /**
   * The same as `host` (Deno's and Bun's own name for it); `host` wins when both are given.
   *
   * @deprecated Use `host`, the one name across runtimes. `hostname` goes away in the next minor version.
   */
  hostname?: string;
  port: number;
}

/**
 * The host of an address: `host`, else the deprecated `hostname`, else `127.0.0.1`.
 *
 * @example
 * ```ts
 * hostOf({ hostname: "example.com", port: 80 }); // "example.com"
 * ```
 */
export function hostOf(address: { host?: string; hostname?: string }): string {
  return address.host ?? address.hostname ?? "127.0.0.1";
}
