/**
 * The delimiter a line ends with, resolved once per framing from the user's `delimiter` option.
 */

const utf8Encoder = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** A resolved delimiter: its bytes, plus what the fast paths need to know about them. */
export interface Delimiter {
  /** The delimiter bytes (at least one). */
  readonly bytes: Uint8Array;
  /** The delimiter as text when its bytes are valid UTF-8 (a string delimiter always is), else undefined. */
  readonly text: string | undefined;
  /**
   * True when no proper prefix of the delimiter equals a suffix of it ("\n", "\r\n", "\0"; not "--" or "aba").
   * Only then can two occurrences never overlap, so the last occurrence in a chunk found by scanning
   * backwards is also an occurrence of the left-to-right split, which the batch path relies on.
   */
  readonly borderless: boolean;
}

/** The default delimiter: LF. */
export const LF = 0x0a;
/** Carriage return, stripped before the delimiter when `stripCR` is on. */
export const CR = 0x0d;

/**
 * Resolve the `delimiter` option. Throws a `TypeError` for an empty delimiter or a wrong type.
 *
 * @example
 * ```ts
 * resolveDelimiter("\r\n"); // { bytes: Uint8Array [13, 10], text: "\r\n", borderless: true }
 * ```
 */
export function resolveDelimiter(option: string | Uint8Array | undefined): Delimiter {
  const value = option ?? "\n";
  let bytes: Uint8Array;
  let text: string | undefined;
  if (typeof value === "string") {
    bytes = utf8Encoder.encode(value);
    text = value;
  } else if (value instanceof Uint8Array) {
    bytes = value.slice();
    text = decodeIfUtf8(bytes);
  } else {
    throw new TypeError(`delimiter must be a string or a Uint8Array, got ${typeof value}`);
  }
  if (bytes.length === 0) throw new TypeError("delimiter must not be empty");
  return { bytes, text, borderless: hasNoBorder(bytes) };
}

function decodeIfUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

function hasNoBorder(bytes: Uint8Array): boolean {
  for (let size = 1; size < bytes.length; size++) {
    let same = true;
    for (let i = 0; i < size && same; i++) same = bytes[i] === bytes[bytes.length - size + i];
    if (same) return false;
  }
  return true;
}

/** Position of the first occurrence of `delimiter` in `bytes`, or -1 (used by encoders, not the hot path). */
export function indexOfBytes(bytes: Uint8Array, delimiter: Uint8Array): number {
  const first = delimiter[0];
  const size = delimiter.length;
  let at = bytes.indexOf(first);
  while (at !== -1 && at + size <= bytes.length) {
    let same = true;
    for (let i = 1; i < size && same; i++) same = bytes[at + i] === delimiter[i];
    if (same) return at;
    at = bytes.indexOf(first, at + 1);
  }
  return -1;
}

/** A short printable form of a delimiter for error messages: `"\n"`, `"\r\n"`, `0xff 0x00`. */
export function describeDelimiter(delimiter: Delimiter): string {
  if (delimiter.text !== undefined) return JSON.stringify(delimiter.text);
  return Array.from(delimiter.bytes, (b) => `0x${b.toString(16).padStart(2, "0")}`).join(" ");
}
