// WebAssembly SIMD masking in real Chromium, for the protocol core used over a byte pipe in a page: the
// module compiles there, and its output matches the byte-by-byte definition.
import { describe, expect, it } from "vitest";
import { simdMaskingAvailable } from "../src/protocol/mask-simd.ts";
import { maskingMismatchesAcrossBlocks } from "./shared/masking-check.ts";

describe("masking in Chromium", () => {
  it("the WebAssembly SIMD masking module compiles", () => {
    expect(simdMaskingAvailable()).toBe(true);
  });

  it("SIMD masking equals the byte-by-byte XOR across the 64 KiB block, for every alignment and phase", () => {
    expect(maskingMismatchesAcrossBlocks()).toEqual([]);
  });
});
