/**
 * Fixed-width unsigned integers (1 to 8 bytes, either byte order) for length fields.
 */

/** Read a `size`-byte unsigned integer; 8-byte values above 2^53 come back as `Infinity`. */
export function readUint(bytes: Uint8Array, position: number, size: number, littleEndian: boolean): number {
  if (size === 8) {
    const first = readUint(bytes, position, 4, littleEndian);
    const second = readUint(bytes, position + 4, 4, littleEndian);
    const [high, low] = littleEndian ? [second, first] : [first, second];
    // 2^53 = 2^21 * 2^32: anything with a larger high word cannot be a safe integer.
    return high >= 0x200000 ? Number.POSITIVE_INFINITY : high * 0x100000000 + low;
  }
  let value = 0;
  if (littleEndian) for (let i = size - 1; i >= 0; i--) value = value * 256 + bytes[position + i];
  else for (let i = 0; i < size; i++) value = value * 256 + bytes[position + i];
  return value;
}

/** The largest value a `size`-byte field holds, capped at the largest safe integer. */
export function maxUint(size: number): number {
  return size >= 7 ? Number.MAX_SAFE_INTEGER : 2 ** (8 * size) - 1;
}

/** Write `value` as a `size`-byte unsigned integer at `position`. */
export function writeUint(
  value: number,
  target: Uint8Array,
  position: number,
  size: number,
  littleEndian: boolean,
): void {
  for (let i = 0; i < size; i++) {
    const byte = value % 256;
    value = Math.floor(value / 256);
    target[littleEndian ? position + i : position + size - 1 - i] = byte;
  }
}
