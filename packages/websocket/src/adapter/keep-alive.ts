/**
 * The keep-alive clock, runtime-neutral: ping after a quiet interval, declare the connection dead when
 * nothing at all comes back in time. Each runtime adapter says what "heard from the peer" means on its
 * socket; timers live here, never in the sans-I/O session.
 */
import { FramedError } from "@framed/core";
import type { KeepAliveOptions } from "./options.ts";

/** What the clock asks the adapter on each tick. */
export interface Liveness {
  /** `Date.now()` when the last byte arrived. */
  lastSeen(): number;
  /** True while the reader is paused by a slow consumer: nothing can arrive, so the peer gets the benefit of the doubt. */
  paused(): boolean;
  /** True once the connection is gone (the clock then stops). */
  gone(): boolean;
}

/**
 * Ping through `ping` when the connection has been quiet for `interval` ms; call `dead` with a
 * `TIMEOUT` error when `timeout` ms pass after a ping with nothing received. Returns `stop`.
 *
 * @example
 * ```ts
 * const stop = startKeepAliveClock(liveness, () => stream.ping(), (error) => socket.destroy(error), {
 *   interval: 30_000,
 *   timeout: 10_000,
 * });
 * ```
 */
export function startKeepAliveClock(
  liveness: Liveness,
  ping: () => void,
  dead: (error: FramedError) => void,
  options: Required<KeepAliveOptions>,
): () => void {
  const { interval, timeout } = options;
  let pingSentAt = 0;
  let pausedSince = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const stop = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  const schedule = (delay: number) => {
    timer = setTimeout(tick, Math.max(1, delay));
    (timer as { unref?: () => void }).unref?.();
  };
  const tick = () => {
    timer = undefined;
    if (liveness.gone()) return;
    const now = Date.now();
    if (liveness.paused()) pausedSince = now;
    const lastSeen = Math.max(liveness.lastSeen(), pausedSince);
    if (pingSentAt !== 0 && lastSeen < pingSentAt) {
      if (now - pingSentAt >= timeout) {
        dead(new FramedError("TIMEOUT", `no reply to a keep-alive ping within ${timeout} ms: connection is dead`));
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
      return; // the stream is closing; its own close sequence takes over
    }
    pingSentAt = now;
    schedule(timeout);
  };

  schedule(interval);
  return stop;
}
