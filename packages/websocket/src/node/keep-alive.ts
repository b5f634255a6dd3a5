/**
 * Keep-alive for a Node WebSocket connection: ping after a quiet interval, fail the connection with
 * `TIMEOUT` when nothing at all comes back in time. Timers live here, never in the sans-I/O session.
 */
import type { Duplex } from "node:stream";
import { FramedError } from "@framed/core";
import type { KeepAliveOptions } from "./options.ts";

/**
 * Watch `socket` and ping through `ping` when it has been quiet for `interval` ms. Any received byte
 * (a pong, a message) proves the peer alive, so the hot path pays one assignment per chunk. While
 * the socket is paused by a slow reader nothing can arrive, so the peer is given the benefit of the doubt.
 * Stops by itself when the socket closes.
 */
export function startKeepAlive(socket: Duplex, ping: () => void, options: Required<KeepAliveOptions>): void {
  const { interval, timeout } = options;
  let lastSeen = Date.now();
  let pingSentAt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const onData = () => {
    lastSeen = Date.now();
  };
  const stop = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    socket.off("data", onData);
  };
  const schedule = (delay: number) => {
    timer = setTimeout(tick, Math.max(1, delay));
    timer.unref?.();
  };
  const tick = () => {
    timer = undefined;
    if (socket.destroyed) return;
    const now = Date.now();
    if (socket.isPaused()) lastSeen = now;
    if (pingSentAt !== 0 && lastSeen < pingSentAt) {
      if (now - pingSentAt >= timeout) {
        stop();
        socket.destroy(
          new FramedError("TIMEOUT", `no reply to a keep-alive ping within ${timeout} ms: connection is dead`),
        );
        return;
      }
      schedule(pingSentAt + timeout - now);
      return;
    }
    pingSentAt = 0;
    const quietFor = now - lastSeen;
    if (quietFor < interval) {
      schedule(interval - quietFor);
      return;
    }
    try {
      ping();
    } catch {
      stop(); // the stream is closing; its own close sequence takes over
      return;
    }
    pingSentAt = now;
    schedule(timeout);
  };

  socket.on("data", onData);
  socket.once("close", stop);
  schedule(interval);
}
