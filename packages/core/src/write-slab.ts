/**
 * `WriteSlab`: fresh memory for small outgoing frames, owned by a framing value and passed explicitly.
 *
 * A small frame is written in place into a slab (1 KiB at first, doubling up to 64 KiB) and handed to the transport as a region
 * (`reserve`, `bytes`, `send`), or carved out as a view (`take`). The frames a connection sends one after
 * another lie side by side, so a tick's burst leaves as one view of the slab (pending-writes.ts). A
 * handed-out region is never written again (a full slab is replaced, not reused), so it stays valid however
 * long it waits in a write queue. All writing is synchronous, so one slab serves every connection of a
 * framing value without locking.
 *
 * Why an object and not module state: a package may be loaded twice in one process (its ESM and CommonJS
 * builds, two bundles). A slab living in a module became two, a session wrote into one copy and the
 * transport sent from the other, and wrong bytes went out. Whoever writes into a slab now names it when
 * handing the bytes over (`sink.writeSlab(slab, size)`), so the number of module copies cannot matter.
 *
 * Views are made with `new Uint8Array(buffer, offset, length)` over the slab's ArrayBuffer, kept in a field:
 * about 70 ns on Node 20 where `subarray` (a species lookup) costs 100–115 ns.
 */
import { type NativeBuffer, nativeBuffer } from "./native-buffer.ts";

/** The largest slab. A region is at most this large; larger frames get their own buffer. */
export const WRITE_SLAB_SIZE = 64 * 1024;

/**
 * The first slab's size; each replacement doubles it up to {@link WRITE_SLAB_SIZE}. A framing value made per
 * connection (a client's `connect`) then holds a kilobyte or two, not 64 KiB, while a busy server's slab
 * reaches full size after a few dozen kilobytes of frames.
 */
const FIRST_SLAB_SIZE = 1024;

/** Strings longer than this (in UTF-16 units) are not encoded into a slab. */
const SLAB_STRING_LIMIT = 2048;

const textEncoder = new TextEncoder();

/** Stands for "no slab yet". */
const EMPTY = new ArrayBuffer(0);

/** Where a session hands over the bytes it wrote in place: a session's sink, or a byte transport. */
export interface SlabTarget<R> {
  write(bytes: Uint8Array): R;
  writeSlab?(slab: WriteSlab, size: number): R;
}

/**
 * @example
 * ```ts
 * const slab = new WriteSlab();              // one per framing value, shared by its sessions
 * const at = slab.reserve(1 + payload.length);
 * slab.bytes[at] = payload.length;
 * slab.bytes.set(payload, at + 1);
 * slab.send(sink, 1 + payload.length);       // sink.writeSlab(slab, size), or a view through sink.write
 * ```
 */
export class WriteSlab {
  /** The current slab's memory; replaced (never reused) when full. Allocated on first use. */
  buffer: ArrayBuffer = EMPTY;
  /** The whole current slab, to write a frame in place at the offset {@link reserve} returned. Never keep it. */
  bytes: Uint8Array = new Uint8Array(EMPTY);
  /** Bytes of the current slab taken so far; past the end until the first `reserve` allocates one. */
  private used = 1;
  /** On Node, a Buffer over the current slab: its `utf8Write` needs no view per string (made once per slab). */
  private native: NativeBuffer | undefined;

  /**
   * `size` fresh bytes (at most {@link WRITE_SLAB_SIZE}) as a view. With `aligned`, the region starts on an
   * 8-byte boundary (client masking works in whole words); without, it follows the previous one at once.
   */
  take(size: number, aligned = false): Uint8Array {
    if (aligned) this.used = (this.used + 7) & ~7;
    this.reserve(size);
    return this.commit(size);
  }

  /**
   * Make room for a frame of at most `maxSize` bytes written in place into {@link bytes}: returns the offset
   * where it starts. Nothing is taken until the frame is sent ({@link send}) or made a view ({@link commit});
   * write, then send, before anything else uses the slab.
   */
  reserve(maxSize: number): number {
    if (this.used + maxSize > this.buffer.byteLength) this.replace(maxSize);
    return this.used;
  }

  /** Take the `size` bytes reserved last and return them as a view. */
  commit(size: number): Uint8Array {
    const view = new Uint8Array(this.buffer, this.used, size);
    this.used += size;
    return view;
  }

  /** Take the `size` bytes reserved last without making a view; returns their offset in {@link buffer}. */
  takeRegion(size: number): number {
    const start = this.used;
    this.used += size;
    return start;
  }

  /**
   * Send the `size` bytes written in place at {@link reserve}'s offset through `target`: as a slab region
   * where it takes one (`writeSlab`, no view made), else as a view. Returns what the target's write returns.
   */
  send<R>(target: SlabTarget<R>, size: number): R {
    return target.writeSlab !== undefined ? target.writeSlab(this, size) : target.write(this.commit(size));
  }

  /**
   * Encode `text` as UTF-8 in place, followed by `suffix` when given (a line's delimiter): returns the size,
   * not yet taken (send it with {@link send}), or -1 for a text too long for a slab.
   *
   * `TextEncoder.encode` allocates per call (about 1.5 µs for 64 characters on Node 20); this costs
   * 0.1–0.2 µs (`Buffer#utf8Write` on Node, `encodeInto` elsewhere), and the delimiter lands right after
   * the text without building `text + "\n"`.
   */
  writeUtf8(text: string, suffix?: Uint8Array): number {
    const extra = suffix ? suffix.length : 0;
    // At most 3 bytes per UTF-16 unit; a huge suffix (a custom delimiter) must fit too.
    if (text.length > SLAB_STRING_LIMIT || text.length * 3 + extra > WRITE_SLAB_SIZE) return -1;
    const at = this.reserve(text.length * 3 + extra);
    const room = this.buffer.byteLength - at;
    let size: number;
    if (nativeBuffer !== undefined) {
      // Buffer#utf8Write: ~30% cheaper than encodeInto on Node 20, which validates its arguments, returns an
      // object per call and needs a view of the slab's free part.
      const native = (this.native ??= nativeBuffer.from(this.buffer));
      size = native.utf8Write !== undefined ? native.utf8Write(text, at, room) : native.write(text, at, room, "utf8");
    } else {
      size = textEncoder.encodeInto(text, new Uint8Array(this.buffer, at, room)).written;
    }
    if (suffix) {
      if (extra === 1) this.bytes[at + size] = suffix[0];
      else this.bytes.set(suffix, at + size);
      size += extra;
    }
    return size;
  }

  /** A fresh slab, twice the last one's size (up to the largest), with room for `atLeast` bytes. */
  private replace(atLeast: number): void {
    let size = Math.min(WRITE_SLAB_SIZE, Math.max(FIRST_SLAB_SIZE, this.buffer.byteLength * 2));
    while (size < atLeast && size < WRITE_SLAB_SIZE) size *= 2;
    this.buffer = new ArrayBuffer(size);
    this.bytes = new Uint8Array(this.buffer);
    this.native = undefined;
    this.used = 0;
  }
}
