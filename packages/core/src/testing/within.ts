/**
 * A bounded wait for tests: every await on the network gets a deadline that names what was awaited, so
 * a hang fails fast with a reason instead of at the runner's timeout.
 */

/**
 * `promise`, or a rejection after `ms` saying what was awaited; the timer never outlives the promise.
 *
 * @example
 * ```ts
 * const reply = await within(replies.next(), 1000, "the echo");
 * ```
 */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
