/**
 * The one TLS option shape across packages and runtimes: `tls: true | { ca }` to connect, `tls: { cert, key }`
 * to listen, all PEM text. Node and Bun take their own richer option objects under the same name.
 */

/** TLS for `connect`, the part every runtime understands. */
export interface ConnectTlsOptions {
  /** PEM certificates to trust besides the system's (a self-signed server's). */
  ca?: string | string[];
  /**
   * The same as `ca`, in Deno's own name.
   *
   * @deprecated Use `ca`, the one name across runtimes. `caCerts` goes away in the next minor version.
   */
  caCerts?: string[];
}

/** TLS for `listen`: a PEM certificate chain and its private key. */
export interface ListenTlsOptions {
  cert: string;
  key: string;
}

/**
 * The PEM certificates to trust from `ca` and the deprecated `caCerts`, as one list (undefined: none).
 *
 * @example
 * ```ts
 * trustedCertificates({ ca: pem }); // [pem]
 * ```
 */
export function trustedCertificates(tls: ConnectTlsOptions | undefined): string[] | undefined {
  if (tls === undefined || (tls.ca === undefined && tls.caCerts === undefined)) return undefined;
  const ca = tls.ca === undefined ? [] : typeof tls.ca === "string" ? [tls.ca] : tls.ca;
  return [...ca, ...(tls.caCerts ?? [])];
}
