// The masking functions against the byte-by-byte definition of RFC 6455 §5.3, for every alignment and phase
// and lengths on both sides of each loop's threshold. Registered twice: with WebAssembly SIMD as it runs here
// (masking.test.ts) and with SIMD unavailable (masking-without-simd.test.ts).
import fc from "fast-check";
import { expect, test } from "vitest";
import { maskInPlace, unmaskedCopy, unmaskInto } from "../../src/protocol/mask.ts";
import { naiveMask } from "../shared/masking-check.ts";

/** Short payloads, and long ones that cross the SIMD threshold and the 64 KiB block. */
const payload = fc.oneof(
  { arbitrary: fc.uint8Array({ maxLength: 1100 }), weight: 4 },
  {
    weight: 1,
    arbitrary: fc
      .record({ length: fc.integer({ min: 60_000, max: 140_000 }), seed: fc.integer() })
      .map(({ length, seed }) => Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff)),
  },
);
const key = fc.uint8Array({ minLength: 4, maxLength: 4 });

export function maskingProperties(): void {
  test("maskInPlace equals the byte-by-byte XOR for any length, buffer alignment and phase", () => {
    fc.assert(
      fc.property(payload, fc.integer({ min: 0, max: 7 }), fc.nat(), key, (data, shift, phase, mask) => {
        const backing = new Uint8Array(data.length + 8);
        const view = backing.subarray(shift, shift + data.length);
        view.set(data);
        maskInPlace(view, mask, phase);
        expect(Buffer.from(view).equals(naiveMask(data, mask, phase))).toBe(true);
        // Bytes around the view are untouched.
        expect(backing.subarray(0, shift).every((b) => b === 0)).toBe(true);
        expect(backing.subarray(shift + data.length).every((b) => b === 0)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  test("unmaskInto writes the XOR into the target's first bytes and leaves the source as it was", () => {
    fc.assert(
      fc.property(payload, fc.integer({ min: 0, max: 7 }), fc.nat(), key, (data, shift, phase, mask) => {
        const source = data.slice();
        const backing = new Uint8Array(data.length + 16);
        const target = backing.subarray(shift);
        unmaskInto(source, target, mask, phase);
        expect(Buffer.from(target.subarray(0, data.length)).equals(naiveMask(data, mask, phase))).toBe(true);
        expect(target.subarray(data.length).every((b) => b === 0)).toBe(true);
        expect(Buffer.from(source).equals(data)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  test("unmaskedCopy returns a new array of the unmasked bytes", () => {
    fc.assert(
      fc.property(payload, fc.nat(), key, (data, phase, mask) => {
        const copy = unmaskedCopy(data, mask, phase);
        expect(copy.buffer).not.toBe(data.buffer);
        expect(Buffer.from(copy).equals(naiveMask(data, mask, phase))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
}
