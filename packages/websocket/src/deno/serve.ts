/**
 * WebSocket for `Deno.serve` users: `upgrade(request)` turns one request into Deno's own server
 * WebSocket as a `MessageStream`, and `serve` runs a whole `Deno.serve` server of them. Deno frames
 * these itself; `listen` (raw `Deno.listen`) uses our own protocol core instead.
 */
import {
  FramedError,
  type HostAddress,
  hostOf,
  type Listener,
  type ListenOptions,
  type StreamHandler,
  StreamRegistry,
} from "@framed/core";
import { type BrowserWebSocketOptions, type NativeWebSocketStream, wrap } from "../browser.ts";
import { type DenoHttpServer, denoRuntime } from "./deno-api.ts";

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
  return { response: upgraded.response, stream: wrap(upgraded.socket, options) };
}

/** A WebSocket server on `Deno.serve`. */
export interface ServeListener extends Listener<string | Uint8Array> {
  readonly url: string;
  /** The `Deno.serve` server underneath (as Node's listener has its `net.Server`). */
  readonly server: DenoHttpServer;
}

/**
 * Serve WebSocket connections with `Deno.serve` (Deno's own WebSocket); plain HTTP requests get 426.
 * `close()` sends 1001 (going away).
 *
 * @example
 * ```ts
 * const server = await serve({ port: 8080 }, async (stream) => {
 *   for await (const message of stream) await stream.send(message);
 * });
 * console.log("listening on", server.url);
 * ```
 */
export async function serve(
  address: HostAddress,
  onStream: StreamHandler<string | Uint8Array, NativeWebSocketStream, Request>,
  options: UpgradeOptions & ListenOptions = {},
): Promise<ServeListener> {
  const registry = new StreamRegistry<string | Uint8Array>(options);
  const hostname = hostOf(address);
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
    server,
    address: { host: hostname, port },
    url: `ws://${hostname}:${port}/`,
    streams: registry.streams,
    close: async (closeOptions) => {
      await registry.closeAll(closeOptions ?? { code: 1001, reason: "going away" });
      await server.shutdown();
    },
  };
}
