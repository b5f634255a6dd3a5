/**
 * The slice of Bun's server API the Bun WebSocket adapter uses (`Bun.serve` with `websocket` handlers and its
 * `ServerWebSocket`, and `Bun.listen` for our own core), typed here so the package typechecks without bun-types,
 * reached through `globalThis`.
 */
import type { BunSocket, BunSocketHandler, BunSocketListener } from "@framed/core/bun";

/** One accepted WebSocket of `Bun.serve`; `data` is what `server.upgrade(request, { data })` gave it. */
export interface BunServerWebSocket<D = unknown> {
  data: D;
  /** Bytes sent (> 0), -1 when queued under backpressure (`drain` follows), 0 when dropped. */
  send(message: string | Uint8Array, compress?: boolean): number;
  close(code?: number, reason?: string): void;
  terminate(): void;
  /** Run `callback` with the socket corked: its sends leave in one write. */
  cork<R>(callback: (ws: BunServerWebSocket<D>) => R): R;
  getBufferedAmount(): number;
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  readonly remoteAddress: string;
}

/** The `websocket` object `Bun.serve` takes. */
export interface BunWebSocketHandler<D> {
  open?(ws: BunServerWebSocket<D>): void;
  message(ws: BunServerWebSocket<D>, message: string | Uint8Array): void;
  drain?(ws: BunServerWebSocket<D>): void;
  close?(ws: BunServerWebSocket<D>, code: number, reason: string): void;
  maxPayloadLength?: number;
  backpressureLimit?: number;
  closeOnBackpressureLimit?: boolean;
  perMessageDeflate?: boolean;
  idleTimeout?: number;
}

/** The `Bun.serve` server. */
export interface BunServer {
  readonly hostname: string;
  readonly port: number;
  upgrade<D>(
    request: Request,
    options?: { data?: D; headers?: Record<string, string> | Array<[string, string]> },
  ): boolean;
  stop(closeActiveConnections?: boolean): Promise<void> | void;
}

export interface BunServeOptions<D> {
  hostname: string;
  port: number;
  fetch(request: Request, server: BunServer): Response | undefined | Promise<Response | undefined>;
  websocket: BunWebSocketHandler<D>;
  tls?: { cert: string; key: string };
}

export interface BunServeRuntime {
  serve<D>(options: BunServeOptions<D>): BunServer;
  connect<D>(options: {
    hostname: string;
    port: number;
    allowHalfOpen?: boolean;
    data?: D;
    tls?: { serverName?: string; ca?: string | string[] };
    socket: BunSocketHandler<D>;
  }): Promise<BunSocket<D>>;
  listen<D>(options: {
    hostname: string;
    port: number;
    allowHalfOpen?: boolean;
    tls?: { cert: string; key: string };
    socket: BunSocketHandler<D>;
  }): BunSocketListener;
}

/** The Bun namespace, or a clear error when this code runs elsewhere. */
export function bunRuntime(): BunServeRuntime {
  const bun = (globalThis as { Bun?: BunServeRuntime }).Bun;
  if (!bun) throw new Error("@framed/websocket/bun needs the Bun runtime (globalThis.Bun is missing)");
  return bun;
}
