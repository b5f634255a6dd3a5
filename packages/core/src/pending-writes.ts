/**
 * `PendingWrites`: the writes a transport collects during one tick, in order, with neighbouring pieces of
 * one buffer (frames carved one after another from a write slab) merged back into one view.
 *
 * A burst of small messages is a run of neighbouring slab regions, so it leaves as a single view of the
 * slab: no copy. Concatenating them instead copied every byte and cost about 100 ns per piece, as much as
 * encoding the message. Two pieces merge only when the second starts in the same memory exactly where the
 * first ends, so the merged view holds exactly their bytes, whoever carved them.
 */
import type { WriteSlab } from "./write-slab.ts";

/** A tick's pieces up to this many bytes in all are joined into one write; larger batches are not copied. */
export const CONCAT_LIMIT = 64 * 1024;

/**
 * What the kernel did not take is copied before it waits only below this size: a small view could hold a
 * whole 64 KiB write slab alive, a larger one holds its own bytes mostly. Copying every waiting byte was a tenth
 * of the server's time in a 64 KiB echo (profiled on Bun).
 */
export const DETACH_BELOW = 16 * 1024;

export class PendingWrites {
  /** Finished pieces, in order; the last, still growing piece is kept apart as the tail. */
  private readonly pieces: Uint8Array[] = [];
  /** The tail's first write when it came as a view (kept whole if nothing extends it). */
  private tail: Uint8Array | undefined;
  /** The tail's memory, where it starts and where it ends; no buffer means no tail. */
  private tailBuffer: ArrayBufferLike | undefined;
  private tailStart = 0;
  private tailEnd = -1;
  /** Bytes added so far. */
  size = 0;

  add(chunk: Uint8Array): void {
    const length = chunk.length;
    if (length === 0) return;
    this.size += length;
    const start = chunk.byteOffset;
    // The offset first: reading `.buffer` is needed only when the chunk may continue the tail.
    if (start === this.tailEnd && chunk.buffer === this.tailBuffer) this.tailEnd += length;
    else this.startTail(chunk, chunk.buffer, start, length);
  }

  /** Take the `size` bytes just written in place into `slab` and queue them; no view is made. */
  addSlab(slab: WriteSlab, size: number): void {
    if (size === 0) return;
    this.size += size;
    const start = slab.takeRegion(size);
    if (start === this.tailEnd && slab.buffer === this.tailBuffer) this.tailEnd += size;
    else this.startTail(undefined, slab.buffer, start, size);
  }

  private startTail(view: Uint8Array | undefined, buffer: ArrayBufferLike, start: number, size: number): void {
    this.closeTail();
    this.tail = view;
    this.tailBuffer = buffer;
    this.tailStart = start;
    this.tailEnd = start + size;
  }

  /** Everything added, as few pieces as adjacency allows. The object is spent afterwards. */
  take(): Uint8Array[] {
    this.closeTail();
    return this.pieces;
  }

  private closeTail(): void {
    const buffer = this.tailBuffer;
    if (buffer === undefined) return;
    const length = this.tailEnd - this.tailStart;
    const tail = this.tail;
    this.pieces.push(
      tail !== undefined && tail.length === length ? tail : new Uint8Array(buffer, this.tailStart, length),
    );
    this.tailBuffer = undefined;
    this.tailEnd = -1;
  }
}
