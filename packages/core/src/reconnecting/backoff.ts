/**
 * Backoff between reconnection attempts: exponential growth with full jitter, between a minimum and a
 * maximum delay.
 */
/** How long to wait between attempts. All durations in milliseconds. */
export interface BackoffOptions {
  /** The shortest wait before a retry. Default 1000. */
  minDelay?: number;
  /** The longest wait before a retry. Default 30,000. */
  maxDelay?: number;
  /** How much the ceiling grows per retry. Default 2. */
  factor?: number;
}

/** {@link BackoffOptions} with every default filled in. */
export type Backoff = Required<BackoffOptions>;

/** Checks the options (a bad value is a `RangeError` naming it, as for every framed option) and fills in defaults. */
export function resolveBackoff(options: BackoffOptions = {}): Backoff {
  const minDelay = options.minDelay ?? 1000;
  const maxDelay = options.maxDelay ?? Math.max(30_000, minDelay);
  const factor = options.factor ?? 2;
  if (!Number.isFinite(minDelay) || minDelay < 0) throw optionError("minDelay", minDelay, "a finite number ≥ 0");
  if (!Number.isFinite(maxDelay) || maxDelay < minDelay) {
    throw optionError("maxDelay", maxDelay, `a finite number ≥ minDelay (${minDelay})`);
  }
  if (!Number.isFinite(factor) || factor < 1) throw optionError("factor", factor, "a finite number ≥ 1");
  return { minDelay, maxDelay, factor };
}

/**
 * The wait before retry number `retry` (1-based): a uniformly random point between `minDelay` and a
 * ceiling of `minDelay × factor^retry`, capped at `maxDelay`. The randomness spans the whole range ("full
 * jitter"), so clients dropped by one server restart do not all come back in the same millisecond.
 *
 * @example
 * ```ts
 * backoffDelay(1, resolveBackoff(), Math.random()); // between 1000 and 2000
 * backoffDelay(9, resolveBackoff(), Math.random()); // between 1000 and 30,000
 * ```
 */
export function backoffDelay(retry: number, backoff: Backoff, random: number): number {
  const ceiling = Math.min(backoff.maxDelay, backoff.minDelay * backoff.factor ** Math.max(1, retry));
  return Math.round(backoff.minDelay + random * (ceiling - backoff.minDelay));
}

/** The error for a bad option of `reconnecting`, naming it. */
export function optionError(name: string, value: unknown, expected: string): RangeError {
  return new RangeError(`reconnecting: ${name} must be ${expected}, got ${String(value)}`);
}
