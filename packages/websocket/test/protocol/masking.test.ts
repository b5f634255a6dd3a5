// Masking and the frame header writer against byte-by-byte definitions, for every alignment and phase.
import { describe, expect, test } from "vitest";
import { frameHeaderSize, writeFrameHeader } from "../../src/protocol/frame-header.ts";
import { MaskKeySource, maskInPlace } from "../../src/protocol/mask.ts";
import { maskLanesSimd, simdMaskingAvailable } from "../../src/protocol/mask-simd.ts";
import { naiveMask } from "../shared/masking-check.ts";
import { maskingProperties } from "./masking-properties.ts";

describe("masking", () => {
  maskingProperties();

  test("the WebAssembly SIMD module compiles on Node, and masks whole 16-byte lanes only", () => {
    expect(simdMaskingAvailable()).toBe(true);
    const data = Uint8Array.from({ length: 100 }, (_, i) => i);
    const target = new Uint8Array(100);
    const key = Uint8Array.of(0xa1, 0xb2, 0xc3, 0xd4);
    expect(maskLanesSimd(data, target, key, 3)).toBe(96);
    expect(Array.from(target.subarray(0, 96))).toEqual(Array.from(naiveMask(data, key, 3).subarray(0, 96)));
    expect(target.subarray(96).every((b) => b === 0)).toBe(true);
  });

  test("maskInPlace gives the byte-by-byte XOR of RFC 6455 §5.3 (key byte i mod 4), and is its own inverse", () => {
    const data = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff);
    const copy = data.slice();
    const key = Uint8Array.of(0x12, 0x34, 0x56, 0x78);
    maskInPlace(data, key);
    // Any XOR restores itself; only the reference tells a wrong key order or offset from the right one.
    expect(Array.from(data)).toEqual(Array.from(naiveMask(copy, key, 0)));
    expect(Array.from(data.subarray(0, 4))).toEqual([0x12, 0x34 ^ 7, 0x56 ^ 14, 0x78 ^ 21]);
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
