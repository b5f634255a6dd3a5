/**
 * `Timers`: where framed reads the time and sets its timers (a connection's deadlines, a reconnecting
 * stream's backoff), injected so tests drive time instead of waiting on the wall clock.
 */

/** Time and one-shot timers. */
export interface Timers {
  /** Milliseconds on a monotonic scale (only differences are used). */
  now(): number;
  /** Call `callback` once after `ms` milliseconds; returns a handle for {@link clearTimeout}. */
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** `performance.now()` and the runtime's timers. */
export const systemTimers: Timers = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
