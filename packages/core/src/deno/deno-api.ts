/**
 * The slice of the Deno namespace the Deno adapter uses, typed here so the package typechecks
 * under Node's tsc without Deno's lib, and reached through `globalThis` so bundlers never see it.
 */

export interface DenoConn {
  read(buffer: Uint8Array): Promise<number | null>;
  write(bytes: Uint8Array): Promise<number>;
  closeWrite(): Promise<void>;
  close(): void;
  setNoDelay?(noDelay?: boolean): void;
  /** A TLS connection's handshake (Deno.TlsConn); it otherwise runs at the first read or write. */
  handshake?(): Promise<unknown>;
  readonly remoteAddr: { hostname?: string; port?: number; transport: string };
}

export interface DenoListener extends AsyncIterable<DenoConn> {
  readonly addr: { hostname: string; port: number; transport: string };
  close(): void;
}

export interface DenoNamespace {
  connect(options: { hostname?: string; port: number; transport?: "tcp" }): Promise<DenoConn>;
  listen(options: { hostname?: string; port: number; transport?: "tcp" }): DenoListener;
  connectTls(options: { hostname?: string; port: number; caCerts?: string[] }): Promise<DenoConn>;
  listenTls(options: { hostname?: string; port: number; cert: string; key: string }): DenoListener;
  errors: Record<string, new (...args: never[]) => Error>;
}

/** The Deno namespace, or a clear error when this code runs elsewhere. */
export function deno(): DenoNamespace {
  const value = (globalThis as { Deno?: DenoNamespace }).Deno;
  if (!value) throw new Error("@framed/core/deno needs the Deno runtime (globalThis.Deno is missing)");
  return value;
}
