/**
 * The slice of the Bun namespace the Bun adapter uses (`Bun.connect`, `Bun.listen` and their sockets), typed
 * here so the package typechecks without bun-types, and reached through `globalThis` so bundlers never see it.
 */

/** A Bun TCP or TLS socket; `data` is ours to hang per-connection state on. */
export interface BunSocket<D = unknown> {
  data: D;
  /** Bytes the kernel took; the rest must be written again after `drain`. -1 once closed. */
  write(bytes: Uint8Array | string): number;
  /** Close our sending side (FIN); reading goes on when the socket allows half-open. */
  shutdown(halfClose?: boolean): void;
  /** Flush and close. */
  end(): void;
  /** Close at once. */
  terminate(): void;
  pause?(): void;
  resume?(): void;
  setNoDelay?(noDelay?: boolean): boolean;
  readonly remoteAddress: string;
  /** The socket's descriptor; -1 once Bun closed it. */
  readonly fd?: number;
}

/** The callbacks Bun calls for every socket of one listener or connection. */
export interface BunSocketHandler<D> {
  open?(socket: BunSocket<D>): void;
  data?(socket: BunSocket<D>, data: Uint8Array): void;
  drain?(socket: BunSocket<D>): void;
  end?(socket: BunSocket<D>): void;
  close?(socket: BunSocket<D>, error?: Error): void;
  error?(socket: BunSocket<D>, error: Error): void;
  handshake?(socket: BunSocket<D>, success: boolean, authorizationError: Error | null): void;
  connectError?(socket: BunSocket<D>, error: Error): void;
}

export interface BunTlsOptions {
  cert?: string | string[];
  key?: string | string[];
  ca?: string | string[];
  serverName?: string;
  rejectUnauthorized?: boolean;
}

export interface BunSocketListener {
  readonly hostname: string;
  readonly port: number;
  stop(closeActiveConnections?: boolean): void;
}

export interface BunNamespace {
  connect<D>(options: {
    hostname: string;
    port: number;
    socket: BunSocketHandler<D>;
    tls?: BunTlsOptions | boolean;
    allowHalfOpen?: boolean;
    data?: D;
  }): Promise<BunSocket<D>>;
  listen<D>(options: {
    hostname: string;
    port: number;
    socket: BunSocketHandler<D>;
    tls?: BunTlsOptions;
    allowHalfOpen?: boolean;
  }): BunSocketListener;
  readonly version: string;
}

/** The Bun namespace, or a clear error when this code runs elsewhere. */
export function bun(): BunNamespace {
  const value = (globalThis as { Bun?: BunNamespace }).Bun;
  if (!value) throw new Error("@framed/core/bun needs the Bun runtime (globalThis.Bun is missing)");
  return value;
}
