/**
 * Unsigned LEB128 varints as protobuf and it-length-prefixed write them: 7 bits per byte, low group first,
 * the high bit set on every byte but the last. Strict: at most 10 bytes, minimal encodings only.
 */

/** The longest varint (a 64-bit value). */
export const MAX_VARINT_BYTES = 10;

/** `readVarint` needs more bytes. */
export const VARINT_INCOMPLETE = -1;
/** The bytes are not a valid varint (see {@link varintProblem}). */
export const VARINT_INVALID = -2;

/** Result slots of {@link readVarint}, reused to avoid an allocation per message. */
export interface VarintResult {
  value: number;
  /** Bytes the varint took. */
  length: number;
  /** Why it was invalid. */
  problem: string;
}

/**
 * Read a varint at `position`, not past `end`. Returns its length, `VARINT_INCOMPLETE` or `VARINT_INVALID`.
 * Values above 2^53 are reported as `Infinity` (larger than any message limit), still validated for form.
 */
export function readVarint(bytes: Uint8Array, position: number, end: number, out: VarintResult): number {
  let value = 0;
  let multiplier = 1;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    if (position + i >= end) return VARINT_INCOMPLETE;
    const byte = bytes[position + i];
    const group = byte & 0x7f;
    if (i === MAX_VARINT_BYTES - 1 && byte > 0x01) {
      out.problem = `a 10-byte varint may only carry 1 bit in its last byte (64-bit limit), got 0x${byte.toString(16)}`;
      return VARINT_INVALID;
    }
    value += group * multiplier;
    if ((byte & 0x80) === 0) {
      if (byte === 0 && i > 0) {
        out.problem = `non-minimal varint: ${i + 1} bytes ending in 0x00 encode a value that fits in ${i}`;
        return VARINT_INVALID;
      }
      out.value = value > Number.MAX_SAFE_INTEGER ? Number.POSITIVE_INFINITY : value;
      out.length = i + 1;
      return i + 1;
    }
    multiplier *= 128;
  }
  out.problem = "varint longer than 10 bytes";
  return VARINT_INVALID;
}

/** Bytes {@link writeVarint} uses for `value`. */
export function varintLength(value: number): number {
  let length = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    length++;
  }
  return length;
}

/** Write `value` (a non-negative safe integer) at `position`; returns the position after it. */
export function writeVarint(value: number, target: Uint8Array, position: number): number {
  while (value >= 128) {
    target[position++] = (value % 128) | 0x80;
    value = Math.floor(value / 128);
  }
  target[position++] = value;
  return position;
}
