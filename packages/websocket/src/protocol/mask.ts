/**
 * Payload masking (RFC 6455 §5.3): XOR with a 4-byte key, 16 bytes at a time with WebAssembly SIMD where it
 * runs (mask-simd.ts), else a 32-bit word at a time; and fresh keys drawn in batches.
 */
import { allocateUninitialized } from "@framed/core";
import { maskLanesSimd, simdMaskingAvailable } from "./mask-simd.ts";

/**
 * Below this many bytes an unrolled byte loop beats creating a word view (V8, measured: 120 vs 175 ns at
 * 64 bytes); from about 256 bytes the word loop wins (22 vs 53 µs per 64 KiB).
 */
const WORD_LOOP_THRESHOLD = 192;
/**
 * From about here SIMD, with its two copies through the module's memory, beats the word loop (measured:
 * even at 256 and 384 bytes, 2× faster at 1 KiB, 2.7× at 64 KiB).
 */
const SIMD_THRESHOLD = 512;

// One scratch key shared by every call: the key bytes rotated to the word boundary, read back as a platform-endian
// word so it lines up with the platform-endian words of the data view.
const keyBytes = new Uint8Array(4);
const keyWord = new Uint32Array(keyBytes.buffer);

/**
 * XOR `data` in place with `mask`, as if `data` started `offset` bytes into the payload
 * (masking is its own inverse, so this both masks and unmasks).
 *
 * @example
 * ```ts
 * maskInPlace(payload, key);          // a whole payload
 * maskInPlace(piece, key, received);  // a piece that starts `received` bytes into the payload
 * ```
 */
export function maskInPlace(data: Uint8Array, mask: Uint8Array, offset = 0): void {
  const length = data.length;
  let done = length >= SIMD_THRESHOLD ? maskLanesSimd(data, data, mask, offset) : 0;
  if (done === 0) done = length >= WORD_LOOP_THRESHOLD ? maskWords(data, mask, offset) : maskQuads(data, mask, offset);
  for (let i = done; i < length; i++) data[i] ^= mask[(offset + i) & 3];
}

/** The aligned 32-bit words of `data`, and the bytes before them; returns how many bytes were done. */
function maskWords(data: Uint8Array, mask: Uint8Array, offset: number): number {
  // Uint32Array views need 4-byte aligned offsets: mask the leading bytes one by one.
  const lead = (4 - (data.byteOffset & 3)) & 3;
  let i = 0;
  for (; i < lead; i++) data[i] ^= mask[(offset + i) & 3];
  const words = (data.length - i) >>> 2;
  keyBytes[0] = mask[(offset + i) & 3];
  keyBytes[1] = mask[(offset + i + 1) & 3];
  keyBytes[2] = mask[(offset + i + 2) & 3];
  keyBytes[3] = mask[(offset + i + 3) & 3];
  const key = keyWord[0];
  const view = new Uint32Array(data.buffer, data.byteOffset + i, words);
  let w = 0;
  for (; w + 3 < words; w += 4) {
    view[w] ^= key;
    view[w + 1] ^= key;
    view[w + 2] ^= key;
    view[w + 3] ^= key;
  }
  for (; w < words; w++) view[w] ^= key;
  return i + words * 4;
}

/** Whole groups of 4 bytes, unrolled; returns how many bytes were done. */
function maskQuads(data: Uint8Array, mask: Uint8Array, offset: number): number {
  const m0 = mask[offset & 3];
  const m1 = mask[(offset + 1) & 3];
  const m2 = mask[(offset + 2) & 3];
  const m3 = mask[(offset + 3) & 3];
  let i = 0;
  for (; i + 3 < data.length; i += 4) {
    data[i] ^= m0;
    data[i + 1] ^= m1;
    data[i + 2] ^= m2;
    data[i + 3] ^= m3;
  }
  return i;
}

/** Keys per `crypto.getRandomValues` call: one call costs about as much as thousands of key copies. */
const KEYS_PER_BATCH = 1024;

/**
 * Hands out fresh masking keys from a batch of random bytes. Every key is new (§5.3 requires
 * unpredictable keys); batching only saves calls into the random source.
 */
export class MaskKeySource {
  private batch = new Uint8Array(0);
  private position = 0;

  /** The next 4-byte key, as a view that stays valid (batches are never overwritten). */
  next(): Uint8Array {
    if (this.position === this.batch.length) {
      this.batch = crypto.getRandomValues(new Uint8Array(KEYS_PER_BATCH * 4));
      this.position = 0;
    }
    const key = this.batch.subarray(this.position, this.position + 4);
    this.position += 4;
    return key;
  }
}

/** A new array holding `bytes` unmasked (`phase` as in {@link maskInPlace}); `bytes` is left as it was. */
export function unmaskedCopy(bytes: Uint8Array, mask: Uint8Array, phase: number): Uint8Array {
  // unmaskInto writes every byte: no zero-fill needed.
  const copy = allocateUninitialized(bytes.length);
  unmaskInto(bytes, copy, mask, phase);
  return copy;
}

/**
 * Write `source` unmasked into `target` (at least as long; `phase` as in {@link maskInPlace}) in one pass
 * where SIMD runs; `source` is left as it was.
 */
export function unmaskInto(source: Uint8Array, target: Uint8Array, mask: Uint8Array, phase: number): void {
  const length = source.length;
  if (length >= SIMD_THRESHOLD && simdMaskingAvailable()) {
    const done = maskLanesSimd(source, target, mask, phase);
    for (let i = done; i < length; i++) target[i] = source[i] ^ mask[(phase + i) & 3];
    return;
  }
  if (length >= WORD_LOOP_THRESHOLD) {
    // A native copy, then whole words in place: faster than a fused loop that cannot read words from `source`.
    target.set(source);
    maskInPlace(target.subarray(0, length), mask, phase);
    return;
  }
  const m0 = mask[phase & 3];
  const m1 = mask[(phase + 1) & 3];
  const m2 = mask[(phase + 2) & 3];
  const m3 = mask[(phase + 3) & 3];
  let i = 0;
  for (; i + 3 < length; i += 4) {
    target[i] = source[i] ^ m0;
    target[i + 1] = source[i + 1] ^ m1;
    target[i + 2] = source[i + 2] ^ m2;
    target[i + 3] = source[i + 3] ^ m3;
  }
  for (; i < length; i++) target[i] = source[i] ^ mask[(phase + i) & 3];
}

/** Shared space for unmasking bytes that are consumed at once (text to decode, input to inflate). */
const SCRATCH_SIZE = 64 * 1024;
const scratch = new Uint8Array(SCRATCH_SIZE);

/** `bytes` unmasked into a shared scratch when it fits (valid until the next call), else into a new array. */
export function unmaskTransient(bytes: Uint8Array, mask: Uint8Array, phase: number): Uint8Array {
  if (bytes.length > SCRATCH_SIZE) return unmaskedCopy(bytes, mask, phase);
  const view = scratch.subarray(0, bytes.length);
  unmaskInto(bytes, view, mask, phase);
  return view;
}
