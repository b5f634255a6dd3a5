/**
 * `@framed/websocket/deno`: Deno's own WebSocket (client, and `Deno.upgradeWebSocket` for `Deno.serve` users)
 * as the same `MessageStream<string | Uint8Array>` as on Node and in the browser.
 */
import { FramedError, type Listener, type ListenOptions, type StreamHandler, StreamRegistry } from "@framed/core";
import { type BrowserWebSocketOptions, fromWebSocket, type NativeWebSocketStream } from "./browser.ts";

export { type BrowserWebSocketOptions, connect, fromWebSocket, type NativeWebSocketStream } from "./browser.ts";

interface DenoUpgrade {
  upgradeWebSocket(
    request: Request,
    options?: { protocol?: string; idleTimeout?: number },
  ): { socket: WebSocket; response: Response };
  serve(
    options: { hostname?: string; port: number; onListen?: () => void },
    handler: (request: Request) => Response,
  ): { addr: { hostname: string; port: number }; shutdown(): Promise<void> };
}

function denoRuntime(): DenoUpgrade {
  const deno = (globalThis as { Deno?: DenoUpgrade }).Deno;
  if (!deno) throw new Error("@framed/websocket/deno needs the Deno runtime (globalThis.Deno is missing)");
  return deno;
}

/** Options of {@link upgrade}. */
export interface UpgradeOptions extends BrowserWebSocketOptions {
  /** The subprotocol to accept (one the client offered). */
  protocol?: string;
}

/**
 * Upgrade a `Deno.serve` request: return `response` from the handler and use `stream`.
 *
 * @example
 * ```ts
 * Deno.serve({ port: 8080 }, (request) => {
 *   const { response, stream } = upgrade(request);
 *   stream.then(async (ws) => {
 *     for await (const message of ws) await ws.send(message);
 *   });
 *   return response;
 * });
 * ```
 */
export function upgrade(
  request: Request,
  options: UpgradeOptions = {},
): { response: Response; stream: Promise<NativeWebSocketStream> } {
  const deno = denoRuntime();
  let upgraded: { socket: WebSocket; response: Response };
  try {
    upgraded = deno.upgradeWebSocket(request, options.protocol === undefined ? {} : { protocol: options.protocol });
  } catch (error) {
    throw new FramedError("HANDSHAKE_FAILED", `not a WebSocket upgrade request: ${(error as Error).message}`, {
      status: 400,
      cause: error,
    });
  }
  return { response: upgraded.response, stream: fromWebSocket(upgraded.socket, options) };
}

/** A WebSocket server on `Deno.serve`. */
export interface DenoWebSocketListener extends Listener<string | Uint8Array> {
  readonly url: string;
}

/**
 * Serve WebSocket connections with `Deno.serve`; plain HTTP requests get 426. `close()` sends 1001 (going away).
 *
 * @example
 * ```ts
 * const server = await listen({ port: 8080 }, async (stream) => {
 *   for await (const message of stream) await stream.send(message);
 * });
 * console.log("listening on", server.url);
 * ```
 */
export async function listen(
  address: { hostname?: string; port: number },
  onStream: StreamHandler<string | Uint8Array, NativeWebSocketStream, Request>,
  options: UpgradeOptions & ListenOptions = {},
): Promise<DenoWebSocketListener> {
  const registry = new StreamRegistry<string | Uint8Array>(options);
  const hostname = address.hostname ?? "127.0.0.1";
  const server = denoRuntime().serve({ hostname, port: address.port, onListen: () => {} }, (request) => {
    let upgraded: ReturnType<typeof upgrade>;
    try {
      upgraded = upgrade(request, options);
    } catch {
      return new Response("expected a WebSocket upgrade", { status: 426, headers: { "sec-websocket-version": "13" } });
    }
    upgraded.stream.then(
      (stream) => registry.accept(stream, onStream, request),
      () => {},
    );
    return upgraded.response;
  });
  const port = server.addr.port;
  return {
    address: { host: hostname, port },
    url: `ws://${hostname}:${port}/`,
    streams: registry.streams,
    close: async (closeOptions) => {
      await registry.closeAll(closeOptions ?? { code: 1001, reason: "going away" });
      await server.shutdown();
    },
  };
}
