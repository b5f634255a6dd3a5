// Where WebAssembly SIMD cannot run (no WebAssembly, or a page's Content-Security-Policy forbids compiling
// it), masking falls back to JavaScript loops: the same properties must hold.
import { describe, expect, test, vi } from "vitest";
import { maskInPlace, unmaskInto } from "../../src/protocol/mask.ts";
import { maskLanesSimd } from "../../src/protocol/mask-simd.ts";
import { naiveMask } from "../shared/masking-check.ts";
import { maskingProperties } from "./masking-properties.ts";

// What mask-simd.ts reports where WebAssembly SIMD cannot compile: unavailable, and no lanes done.
vi.mock("../../src/protocol/mask-simd.ts", () => ({
  simdMaskingAvailable: () => false,
  maskLanesSimd: vi.fn(() => 0),
}));

describe("masking without SIMD", () => {
  test("a payload over the SIMD threshold for which SIMD did no lanes is masked wholly by the JavaScript loops", () => {
    const data = Uint8Array.from({ length: 100_003 }, (_, i) => (i * 13) & 0xff);
    const key = Uint8Array.of(9, 8, 7, 6);
    vi.mocked(maskLanesSimd).mockClear();
    const inPlace = new Uint8Array(data.length + 1).subarray(1); // an odd start: the word loop has leading bytes
    inPlace.set(data);
    maskInPlace(inPlace, key, 1);
    // SIMD was asked and did nothing: every byte below was done by the fallback loops.
    expect(maskLanesSimd).toHaveBeenCalled();
    expect(Buffer.from(inPlace).equals(naiveMask(data, key, 1))).toBe(true);
    const target = new Uint8Array(data.length);
    unmaskInto(data, target, key, 2);
    expect(Buffer.from(target).equals(naiveMask(data, key, 2))).toBe(true);
  });

  maskingProperties();
});
