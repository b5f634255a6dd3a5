/**
 * Mutated-valid inputs for fuzzing: small edits to bytes that parse (flip a byte, delete, insert or repeat a
 * run, insert a byte string that matters to the format), so a fuzzer explores just off the happy path, where
 * parsers break, instead of the random bytes they refuse at the first byte.
 */
import fc from "fast-check";
import { splitAt } from "./conformance.ts";

/** One edit, positioned modulo the input's length when applied. */
export type ByteMutation =
  | { kind: "flip"; at: number; byte: number }
  | { kind: "delete"; at: number; length: number }
  | { kind: "insert"; at: number; bytes: Uint8Array }
  | { kind: "repeat"; at: number; length: number };

/**
 * Edits of up to `maxRun` bytes; `interesting` are byte strings worth inserting (delimiters, length bytes,
 * header syntax).
 *
 * @example
 * ```ts
 * fc.property(fc.array(byteMutation([bytes(13, 10)]), { maxLength: 4 }), (edits) => {
 *   const input = applyMutations(valid, edits);
 * });
 * ```
 */
export function byteMutation(interesting: readonly Uint8Array[] = [], maxRun = 16): fc.Arbitrary<ByteMutation> {
  const at = fc.nat();
  const edits: fc.Arbitrary<ByteMutation>[] = [
    fc.record({ kind: fc.constant("flip" as const), at, byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant("delete" as const), at, length: fc.integer({ min: 1, max: maxRun }) }),
    fc.record({ kind: fc.constant("insert" as const), at, bytes: fc.uint8Array({ minLength: 1, maxLength: maxRun }) }),
    fc.record({ kind: fc.constant("repeat" as const), at, length: fc.integer({ min: 1, max: 4 * maxRun }) }),
  ];
  if (interesting.length > 0) {
    edits.push(fc.record({ kind: fc.constant("insert" as const), at, bytes: fc.constantFrom(...interesting) }));
  }
  return fc.oneof(...edits);
}

/** `bytes` with `mutations` applied in order (a new array; `bytes` is not changed). */
export function applyMutations(bytes: Uint8Array, mutations: readonly ByteMutation[]): Uint8Array {
  const out = [...bytes];
  for (const m of mutations) {
    const at = m.at % (out.length + 1);
    if (m.kind === "flip") {
      if (out.length > 0) out[at % out.length] = m.byte;
    } else if (m.kind === "delete") out.splice(at, m.length);
    else if (m.kind === "insert") out.splice(at, 0, ...m.bytes);
    else out.splice(at, 0, ...out.slice(at, at + m.length));
  }
  return Uint8Array.from(out);
}

/** `bytes` cut at arbitrary naturals (taken modulo its length, deduplicated, sorted): fast-check's cut points. */
export function splitAnywhere(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  return splitAt(
    bytes,
    [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b),
  );
}
