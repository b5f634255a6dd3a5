/**
 * The clock a reconnecting stream reads: timers, the time and randomness, injected so backoff is tested
 * without waiting on the wall clock.
 */

import { systemTimers, type Timers } from "../timers.ts";

/** Timers, time and jitter for {@link reconnecting}. Tests pass a manual clock; everyone else the default. */
export interface ReconnectClock extends Timers {
  /** A number in [0, 1), for jitter. */
  random(): number;
}

/**
 * The runtime's own timers, `performance.now()` and `Math.random()`. A pending retry keeps a Node process
 * alive (a client waiting for its server to come back is not done); a `stopped` stream holds no timer.
 */
export const systemClock: ReconnectClock = { ...systemTimers, random: () => Math.random() };
