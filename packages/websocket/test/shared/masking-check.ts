// Masking against the byte-by-byte definition of RFC 6455 §5.3, for any test runner: the Node properties
// (protocol/masking-properties.ts) and the checks in real Deno and real Chromium.
import { maskInPlace, unmaskedCopy } from "../../src/protocol/mask.ts";

/** `data` XOR the repeated 4-byte `mask`, as if `data` started `phase` bytes into the payload. */
export function naiveMask(data: Uint8Array, mask: Uint8Array, phase: number): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i] ^ mask[(phase + i) & 3];
  return out;
}

/** The first index where `actual` is not `data` masked byte by byte, or -1 (no deep equality of 140 KB). */
function firstWrongByte(actual: Uint8Array, data: Uint8Array, mask: Uint8Array, phase: number): number {
  if (actual.length !== data.length) return 0;
  for (let i = 0; i < data.length; i++) if (actual[i] !== (data[i] ^ mask[(phase + i) & 3])) return i;
  return -1;
}

/**
 * Mask a 140,003-byte payload (past two 64 KiB SIMD blocks, with a tail) in place at every buffer alignment
 * and phase, and as a copy: one line per result that differs from the definition; none when all agree.
 */
export function maskingMismatchesAcrossBlocks(): string[] {
  const key = Uint8Array.of(0x12, 0x34, 0x56, 0x78);
  const data = Uint8Array.from({ length: 140_003 }, (_, i) => (i * 31) & 0xff);
  const mismatches: string[] = [];
  for (let shift = 0; shift < 4; shift++) {
    for (let phase = 0; phase < 4; phase++) {
      const backing = new Uint8Array(data.length + 4);
      const view = backing.subarray(shift, shift + data.length);
      view.set(data);
      maskInPlace(view, key, phase);
      const inPlace = firstWrongByte(view, data, key, phase);
      if (inPlace !== -1) mismatches.push(`maskInPlace, shift ${shift}, phase ${phase}: byte ${inPlace}`);
      const copied = firstWrongByte(unmaskedCopy(data, key, phase), data, key, phase);
      if (copied !== -1) mismatches.push(`unmaskedCopy, phase ${phase}: byte ${copied}`);
    }
  }
  return mismatches;
}
