/**
 * Waiting for a WHATWG `WebSocket` to open: resolve on `open`, reject on `error` or `close` (or after a
 * deadline), and leave no listener or timer behind either way.
 */
import type { FramedError } from "../errors.ts";

export interface WebSocketOpenOptions {
  /** The error to reject with when the socket closes or errors before opening; gets the close code, if any. */
  failure(closeCode: number | undefined): FramedError;
  /** Milliseconds to wait; then the socket is closed and the promise rejects with `timedOut()`. Default: no limit. */
  timeout?: number;
  timedOut?(): FramedError;
}

/**
 * Resolves once `socket` is open (at once if it already is).
 *
 * @example
 * ```ts
 * await whenWebSocketOpen(socket, {
 *   failure: () => new FramedError("CONNECT_FAILED", `WebSocket to ${socket.url} did not open`),
 * });
 * ```
 */
export function whenWebSocketOpen(socket: WebSocket, options: WebSocketOpenOptions): Promise<void> {
  if (socket.readyState === 1) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer =
      options.timeout === undefined
        ? undefined
        : setTimeout(() => {
            cleanup();
            socket.close();
            reject(options.timedOut?.() ?? options.failure(undefined));
          }, options.timeout);
    const onOpen = () => {
      cleanup();
      resolve();
    };
    const onFail = (event: Event) => {
      cleanup();
      reject(options.failure((event as CloseEvent).code || undefined));
    };
    const cleanup = () => {
      if (timer !== undefined) clearTimeout(timer);
      socket.removeEventListener("open", onOpen);
      socket.removeEventListener("error", onFail);
      socket.removeEventListener("close", onFail);
    };
    socket.addEventListener("open", onOpen);
    socket.addEventListener("error", onFail);
    socket.addEventListener("close", onFail);
  });
}
