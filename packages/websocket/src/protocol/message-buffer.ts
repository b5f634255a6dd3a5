/**
 * The bytes of a message that did not arrive in one piece (fragments, a frame split across reads, inflated
 * output), copied into one growable array.
 *
 * One array instead of a list of pieces is what keeps fragment abuse cheap: thousands of 1-byte fragments
 * cost their bytes, not thousands of array objects (ws#2331 measured ~15× heap for that pattern). The
 * capacity grows geometrically from what has actually arrived, and trusts an announced size only up to
 * 64 KiB ahead of it, so a peer cannot make us allocate a large buffer by declaring a length it never
 * sends: capacity stays below max(2 × the received bytes, 64 KiB) and below `finalSize`. Within that, a
 * message of up to 64 KiB split across reads gets its exact size in one allocation instead of several.
 * While a message's size is unknown (more fragments to come) the floor is 1 KiB, so many one-byte fragments
 * still cost about their bytes.
 */

import { allocateUninitialized } from "@framed/core";

const EMPTY = new Uint8Array(0);
/** First allocation: small messages in two pieces fit without a second grow. */
const MIN_CAPACITY = 1024;
/** Capacity allowed ahead of the received bytes when the final frame's header gave the message's size. */
const SPECULATIVE_CAPACITY = 64 * 1024;

export class MessageBuffer {
  private bytes: Uint8Array = EMPTY;
  /** Bytes held. */
  size = 0;

  /** Bytes allocated (for memory accounting and tests). */
  get capacity(): number {
    return this.bytes.length;
  }

  /**
   * Copy `piece` in. `finalSize` is an upper bound of the whole message (the limit), or its exact size when
   * the last frame's header said so (`exact`); growth never passes it.
   * Returns the copy, so the caller can validate it where it now lies.
   */
  append(piece: Uint8Array, finalSize: number, exact = false): Uint8Array {
    const region = this.extend(piece.length, finalSize, exact);
    region.set(piece);
    return region;
  }

  /**
   * Take `length` more bytes for the caller to fill (all of them, before the next call): for a piece that is
   * unmasked on its way in instead of copied and then unmasked. Growth as in {@link append}.
   */
  extend(length: number, finalSize: number, exact = false): Uint8Array {
    const start = this.size;
    const needed = start + length;
    if (needed > this.bytes.length) this.grow(needed, finalSize, exact);
    this.size = needed;
    return this.bytes.subarray(start, needed);
  }

  /** Hand out the message and start empty. The view is the caller's: the buffer forgets it. */
  take(): Uint8Array {
    const message = this.size === this.bytes.length ? this.bytes : this.bytes.subarray(0, this.size);
    this.clear();
    return message;
  }

  /** A view of the bytes held, valid until the next append or take. */
  peek(): Uint8Array {
    return this.bytes.subarray(0, this.size);
  }

  clear(): void {
    this.bytes = EMPTY;
    this.size = 0;
  }

  private grow(needed: number, finalSize: number, exact: boolean): void {
    const floor = exact ? SPECULATIVE_CAPACITY : MIN_CAPACITY;
    const capacity = Math.max(needed, Math.min(Math.max(2 * needed, floor), finalSize));
    // Sized to the whole message, every byte will be written before it is handed out: no zero-fill needed
    // (the fill and its page faults were a tenth of a 64 KiB echo).
    const bytes = exact && capacity === finalSize ? allocateUninitialized(capacity) : new Uint8Array(capacity);
    if (this.size > 0) bytes.set(this.bytes.subarray(0, this.size));
    this.bytes = bytes;
  }
}
