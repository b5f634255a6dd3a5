/**
 * `PendingWrites`: the writes a transport collects during one tick, in order, with frames carved one after
 * another from the write slab merged back into one view.
 *
 * A burst of small messages is a run of neighbouring slab regions, so it leaves as a single view of the
 * slab: no copy. Concatenating them instead copied every byte and cost about 100 ns per piece, as much as
 * encoding the message.
 */
import { slabBuffer, slabGeneration, slabGenerationOf, takeSlabRegion } from "./write-slab.ts";

export class PendingWrites {
  /** Finished pieces, in order; the last, still growing piece is kept apart as the tail. */
  private readonly pieces: Uint8Array[] = [];
  /** The tail's first write when it came as a view (kept whole if nothing extends it). */
  private tail: Uint8Array | undefined;
  /** The tail's memory, where it starts and where it ends; no buffer means no tail. */
  private tailBuffer: ArrayBufferLike | undefined;
  private tailStart = 0;
  private tailEnd = 0;
  /** The slab the tail was carved from, or -1 when it is not a slab region. */
  private tailSlab = -1;
  /** Bytes added so far. */
  size = 0;

  add(chunk: Uint8Array): void {
    const length = chunk.length;
    if (length === 0) return;
    this.size += length;
    const slab = slabGenerationOf(chunk);
    if (this.continues(slab, chunk.byteOffset)) this.tailEnd += length;
    else this.startTail(chunk, chunk.buffer, chunk.byteOffset, length, slab);
  }

  /** Take the `size` bytes just written in place into the write slab and queue them; no view is made. */
  addSlab(size: number): void {
    if (size === 0) return;
    this.size += size;
    const start = takeSlabRegion(size);
    const slab = slabGeneration();
    if (this.continues(slab, start)) this.tailEnd += size;
    else this.startTail(undefined, slabBuffer(), start, size, slab);
  }

  /** Bytes at `start` of slab `slab` (-1: not a slab region) follow the tail in the same slab. */
  private continues(slab: number, start: number): boolean {
    return slab !== -1 && slab === this.tailSlab && start === this.tailEnd;
  }

  private startTail(
    view: Uint8Array | undefined,
    buffer: ArrayBufferLike,
    start: number,
    size: number,
    slab: number,
  ): void {
    this.closeTail();
    this.tail = view;
    this.tailBuffer = buffer;
    this.tailStart = start;
    this.tailEnd = start + size;
    this.tailSlab = slab;
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
    this.tailSlab = -1;
  }
}
