import { nativeBuffer } from "./native-buffer.ts";

/**
 * Memory that is about to be overwritten whole: skip the zero-fill where the runtime allows it (Node's
 * `Buffer.allocUnsafeSlow`, unpooled), which halves the cost of joining a large message. Every byte must be
 * written before anyone sees the array: its old contents are whatever the process freed there.
 *
 * @example
 * ```ts
 * const joined = allocateUninitialized(a.length + b.length);
 * joined.set(a);
 * joined.set(b, a.length);
 * ```
 */
export function allocateUninitialized(size: number): Uint8Array {
  if (nativeBuffer === undefined || size < 1024) return new Uint8Array(size);
  const buffer = nativeBuffer.allocUnsafeSlow(size);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, size);
}

/**
 * A queue of received chunks that hands out bytes without re-concatenating per chunk.
 *
 * Decoders push each chunk as it arrives and take whole messages off the front: a message that lies
 * inside one chunk comes out as a zero-copy `subarray` view, one that spans chunks is copied once.
 */
export class ByteQueue {
  private chunks: Uint8Array[] = [];
  /** Index of the first live chunk in `chunks` (consumed chunks are dropped lazily). */
  private head = 0;
  /** Bytes already consumed from `chunks[head]`. */
  private offset = 0;
  /** Bytes available to read. */
  length = 0;

  /** Append a chunk. The queue keeps a reference: callers must not reuse the memory. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** The byte at `index` from the front (`index < length`). */
  byteAt(index: number): number {
    let i = this.head;
    let position = index + this.offset;
    while (position >= this.chunks[i].length) {
      position -= this.chunks[i].length;
      i++;
    }
    return this.chunks[i][position];
  }

  /**
   * Remove and return the first `count` bytes: a view when they lie in one chunk, one copy otherwise.
   * `count` must be at most `length`.
   */
  take(count: number): Uint8Array {
    if (count === 0) return new Uint8Array(0);
    const first = this.chunks[this.head];
    const end = this.offset + count;
    if (end <= first.length) {
      // A plain Uint8Array view: Buffer#subarray builds a Buffer through its species and is several times slower.
      const view = new Uint8Array(first.buffer, first.byteOffset + this.offset, count);
      this.advance(count);
      return view;
    }
    const out = allocateUninitialized(count);
    this.copyTo(out, count);
    this.advance(count);
    return out;
  }

  /** Copy the first `count` bytes into `target` without consuming them. */
  copyTo(target: Uint8Array, count: number, targetOffset = 0): void {
    let written = 0;
    let i = this.head;
    let start = this.offset;
    while (written < count) {
      const chunk = this.chunks[i];
      const n = Math.min(chunk.length - start, count - written);
      target.set(chunk.subarray(start, start + n), targetOffset + written);
      written += n;
      i++;
      start = 0;
    }
  }

  /** Drop the first `count` bytes (`count <= length`). */
  skip(count: number): void {
    this.advance(count);
  }

  /**
   * Position of the first `byte` at or after `from`, relative to the front, or -1.
   * Scans each chunk with native `indexOf`; never copies.
   */
  indexOf(byte: number, from = 0): number {
    let base = 0;
    for (let i = this.head; i < this.chunks.length; i++) {
      const chunk = this.chunks[i];
      const start = i === this.head ? this.offset : 0;
      const size = chunk.length - start;
      if (from < base + size) {
        const found = chunk.indexOf(byte, start + Math.max(0, from - base));
        if (found !== -1) return base + found - start;
      }
      base += size;
    }
    return -1;
  }

  /** Drop everything. */
  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.offset = 0;
    this.length = 0;
  }

  private advance(count: number): void {
    this.length -= count;
    let remaining = count + this.offset;
    while (remaining > 0 && remaining >= this.chunks[this.head].length) {
      remaining -= this.chunks[this.head].length;
      this.head++;
      if (this.head === this.chunks.length) break;
    }
    this.offset = remaining;
    if (this.length === 0) {
      this.chunks = [];
      this.head = 0;
      this.offset = 0;
    } else if (this.head > 64 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}
