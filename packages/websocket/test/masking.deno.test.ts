// WebAssembly SIMD masking in the real Deno runtime: the module compiles there (else masking would quietly
// fall back to the slower JavaScript loop), and its output matches the byte-by-byte definition.
import assert from "node:assert/strict";
import { simdMaskingAvailable } from "../src/protocol/mask-simd.ts";
import { maskingMismatchesAcrossBlocks } from "./shared/masking-check.ts";

Deno.test("the WebAssembly SIMD masking module compiles under Deno", () => {
  assert.equal(simdMaskingAvailable(), true);
});

Deno.test("SIMD masking equals the byte-by-byte XOR across the 64 KiB block, for every alignment and phase", () => {
  assert.deepEqual(maskingMismatchesAcrossBlocks(), []);
});
