// Where WebAssembly SIMD cannot run (no WebAssembly, or a page's Content-Security-Policy forbids compiling
// it), masking falls back to JavaScript loops: the same properties must hold.
import { describe, expect, test, vi } from "vitest";
import { simdMaskingAvailable } from "../../src/protocol/mask-simd.ts";
import { maskingProperties } from "./masking-properties.ts";

vi.mock("../../src/protocol/mask-simd.ts", () => ({
  simdMaskingAvailable: () => false,
  maskLanesSimd: () => 0,
}));

describe("masking without SIMD", () => {
  test("SIMD is reported unavailable", () => {
    expect(simdMaskingAvailable()).toBe(false);
  });

  maskingProperties();
});
