/**
 * Size limits shared by every framing, so one number means the same thing everywhere.
 */

/**
 * The default `maxMessageSize` of every framing: 16 MiB (16,777,216 bytes).
 *
 * A declared or growing message larger than this fails with `MESSAGE_TOO_LARGE` before it is
 * buffered. It is deliberately below `ws`'s 100 MiB: a default should survive a hostile peer.
 * Raise it per stream with the framing's `maxMessageSize` option.
 */
export const DEFAULT_MAX_MESSAGE_SIZE = 16 * 1024 * 1024;

/** Validates a user-supplied size option, naming it in the error. */
export function checkSizeOption(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative safe integer, got ${value}`);
  }
  return value;
}
