// maskInPlace and the frame header writer against byte-by-byte definitions, for every alignment and phase.
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { frameHeaderSize, writeFrameHeader } from "../../src/protocol/frame-header.ts";
import { MaskKeySource, maskInPlace } from "../../src/protocol/mask.ts";

function naiveMask(data: Uint8Array, mask: Uint8Array, phase: number): Uint8Array {
  return data.map((byte, i) => byte ^ mask[(phase + i) & 3]);
}

describe("masking", () => {
  test("maskInPlace equals the byte-by-byte XOR for any length, buffer alignment and phase", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.integer({ min: 0, max: 7 }),
        fc.nat(),
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        (data, shift, phase, mask) => {
          const backing = new Uint8Array(data.length + 8);
          const view = backing.subarray(shift, shift + data.length);
          view.set(data);
          maskInPlace(view, mask, phase);
          expect(view).toEqual(naiveMask(data, mask, phase));
          // Bytes around the view are untouched.
          expect(backing.subarray(0, shift).every((b) => b === 0)).toBe(true);
          expect(backing.subarray(shift + data.length).every((b) => b === 0)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  test("masking twice restores the payload", () => {
    const data = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);
    const copy = data.slice();
    const key = Uint8Array.of(1, 2, 3, 4);
    maskInPlace(data, key);
    expect(data).not.toEqual(copy);
    maskInPlace(data, key);
    expect(data).toEqual(copy);
  });

  test("mask keys come in 4-byte views that differ from key to key", () => {
    const source = new MaskKeySource();
    const keys = Array.from({ length: 2000 }, () => Array.from(source.next()).join(","));
    expect(keys.every((k) => k.split(",").length === 4)).toBe(true);
    expect(new Set(keys).size).toBeGreaterThan(1990);
  });

  test.each([0, 125, 126, 65535, 65536, 2 ** 32 + 5])(
    "a header for %i bytes uses the minimal encoding and round-trips",
    (length) => {
      const header = new Uint8Array(14);
      const size = writeFrameHeader(header, 0x2, length, true, false, Uint8Array.of(9, 8, 7, 6));
      expect(size).toBe(frameHeaderSize(length, true));
      expect(header[0]).toBe(0x82);
      const code = header[1] & 0x7f;
      const decoded =
        code < 126
          ? code
          : code === 126
            ? (header[2] << 8) | header[3]
            : Number(new DataView(header.buffer).getBigUint64(2));
      expect(decoded).toBe(length);
      expect(Array.from(header.subarray(size - 4, size))).toEqual([9, 8, 7, 6]);
    },
  );
});
