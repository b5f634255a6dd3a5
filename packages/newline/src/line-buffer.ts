/**
 * `LineBuffer`: the growing bytes of a line that started in an earlier chunk and has not ended yet.
 *
 * Only the unfinished tail of a chunk is copied here (once per byte, plus amortised doubling), so a
 * long line arriving in many small chunks costs linear time, and no received chunk is kept alive by it.
 */

const EMPTY = new Uint8Array(0);
const INITIAL_CAPACITY = 256;
/**
 * A lent buffer up to this size is kept for the next line. Fresh memory is costly (page faults, GC of
 * external memory), and a line that crossed a chunk boundary once will likely do so again.
 */
const REUSE_LIMIT = 1024 * 1024;

export class LineBuffer {
  /** Bytes held. */
  length = 0;
  private bytes: Uint8Array = EMPTY;

  /** @param ceiling the most bytes it will ever be asked to hold; growth stops there. */
  constructor(private readonly ceiling: number) {}

  /** Append `source[start, end)`. The caller keeps `length + (end - start)` within the ceiling. */
  append(source: Uint8Array, start: number, end: number): void {
    const needed = this.length + (end - start);
    if (needed > this.bytes.length) this.grow(needed);
    this.bytes.set(source.subarray(start, end), this.length);
    this.length = needed;
  }

  /** The byte `back` positions before the end (`back` from 1 to `length`). */
  byteFromEnd(back: number): number {
    return this.bytes[this.length - back];
  }

  /**
   * Hand out the held bytes (minus the last `drop`) as a view and start over with fresh memory, so
   * the view stays valid whatever the buffer does next.
   */
  take(drop = 0): Uint8Array {
    const view = this.bytes.subarray(0, this.length - drop);
    this.bytes = EMPTY;
    this.length = 0;
    return view;
  }

  /**
   * A view of the held bytes (minus the last `drop`) that is valid only until the next `append`: for a
   * reader that is done with it when it returns. The memory is kept for the next line.
   */
  lend(drop = 0): Uint8Array {
    const view = this.bytes.subarray(0, this.length - drop);
    this.length = 0;
    if (this.bytes.length > REUSE_LIMIT) this.bytes = EMPTY;
    return view;
  }

  /** Keep only the last `count` bytes (a possible delimiter start, while a line is being discarded). */
  keepLast(count: number): void {
    if (this.length <= count) return;
    if (count === 0) {
      this.clear();
      return;
    }
    const tail = this.bytes.slice(this.length - count, this.length);
    this.bytes = tail;
    this.length = count;
  }

  /** Drop everything and release the memory. */
  clear(): void {
    this.bytes = EMPTY;
    this.length = 0;
  }

  private grow(needed: number): void {
    const capacity = Math.min(this.ceiling, Math.max(needed, this.bytes.length * 2, INITIAL_CAPACITY));
    const next = new Uint8Array(Math.max(capacity, needed));
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }
}
