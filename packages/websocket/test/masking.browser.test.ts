// WebAssembly SIMD masking in real Chromium, for the protocol core used over a byte pipe in a page: the
// module compiles there, and its output matches the byte-by-byte definition.
import { describe, expect, it } from "vitest";
import { maskInPlace, unmaskedCopy } from "../src/protocol/mask.ts";
import { simdMaskingAvailable } from "../src/protocol/mask-simd.ts";

/** The first index where `actual` is not `data` masked byte by byte, or -1 (a deep equality of 140 KB is slow here). */
function firstWrongByte(actual: Uint8Array, data: Uint8Array, mask: Uint8Array, phase: number): number {
  if (actual.length !== data.length) return 0;
  for (let i = 0; i < data.length; i++) if (actual[i] !== (data[i] ^ mask[(phase + i) & 3])) return i;
  return -1;
}

describe("masking in Chromium", () => {
  it("the WebAssembly SIMD masking module compiles", () => {
    expect(simdMaskingAvailable()).toBe(true);
  });

  it("SIMD masking equals the byte-by-byte XOR across the 64 KiB block, for every alignment and phase", () => {
    const key = Uint8Array.of(0x12, 0x34, 0x56, 0x78);
    const data = Uint8Array.from({ length: 140_003 }, (_, i) => (i * 31) & 0xff);
    for (let shift = 0; shift < 4; shift++) {
      for (let phase = 0; phase < 4; phase++) {
        const backing = new Uint8Array(data.length + 4);
        const view = backing.subarray(shift, shift + data.length);
        view.set(data);
        maskInPlace(view, key, phase);
        expect(firstWrongByte(view, data, key, phase)).toBe(-1);
        expect(firstWrongByte(unmaskedCopy(data, key, phase), data, key, phase)).toBe(-1);
      }
    }
  });
});
