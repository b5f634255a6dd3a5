/**
 * The slice of the Deno namespace the Deno WebSocket adapter uses (TCP, TLS, `Deno.serve`), typed here so
 * the package typechecks under Node's tsc without Deno's lib, and reached through `globalThis` so
 * bundlers for other runtimes never see it.
 */
import type { DenoConn, DenoListener } from "@framed/core/deno";

export type { DenoConn, DenoListener } from "@framed/core/deno";

/** The Deno calls this adapter makes. */
export interface DenoRuntime {
  listen(options: { hostname?: string; port: number; transport?: "tcp" }): DenoListener;
  listenTls(options: {
    hostname?: string;
    port: number;
    cert: string;
    key: string;
    alpnProtocols?: string[];
  }): DenoListener;
  connect(options: { hostname?: string; port: number; transport?: "tcp" }): Promise<DenoConn>;
  connectTls(options: {
    hostname?: string;
    port: number;
    caCerts?: string[];
    alpnProtocols?: string[];
  }): Promise<DenoConn & { handshake(): Promise<unknown> }>;
  upgradeWebSocket(
    request: Request,
    options?: { protocol?: string; idleTimeout?: number },
  ): { socket: WebSocket; response: Response };
  serve(
    options: { hostname?: string; port: number; onListen?: () => void },
    handler: (request: Request) => Response,
  ): DenoHttpServer;
}

/** The part of `Deno.HttpServer` (what `Deno.serve` returns) this package uses. */
export interface DenoHttpServer {
  readonly addr: { hostname: string; port: number };
  shutdown(): Promise<void>;
}

/** The Deno namespace, or a clear error when this code runs elsewhere. */
export function denoRuntime(): DenoRuntime {
  const deno = (globalThis as { Deno?: DenoRuntime }).Deno;
  if (!deno) throw new Error("@framed/websocket/deno needs the Deno runtime (globalThis.Deno is missing)");
  return deno;
}
