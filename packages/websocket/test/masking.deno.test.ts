// WebAssembly SIMD masking in the real Deno runtime: the module compiles there (else masking would quietly
// fall back to the slower JavaScript loop), and its output matches the byte-by-byte definition.
import assert from "node:assert/strict";
import { maskInPlace, unmaskedCopy } from "../src/protocol/mask.ts";
import { simdMaskingAvailable } from "../src/protocol/mask-simd.ts";

function naiveMask(data: Uint8Array, mask: Uint8Array, phase: number): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i] ^ mask[(phase + i) & 3];
  return out;
}

Deno.test("the WebAssembly SIMD masking module compiles under Deno", () => {
  assert.equal(simdMaskingAvailable(), true);
});

Deno.test("SIMD masking equals the byte-by-byte XOR across the 64 KiB block, for every alignment and phase", () => {
  const key = Uint8Array.of(0x12, 0x34, 0x56, 0x78);
  const data = Uint8Array.from({ length: 140_003 }, (_, i) => (i * 31) & 0xff);
  for (let shift = 0; shift < 4; shift++) {
    for (let phase = 0; phase < 4; phase++) {
      const backing = new Uint8Array(data.length + 4);
      const view = backing.subarray(shift, shift + data.length);
      view.set(data);
      maskInPlace(view, key, phase);
      assert.deepEqual(view, naiveMask(data, key, phase));
      assert.deepEqual(unmaskedCopy(data, key, phase), naiveMask(data, key, phase));
    }
  }
});
