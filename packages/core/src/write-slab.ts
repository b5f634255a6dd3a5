/**
 * The write slab: fresh memory for small outgoing frames, shared by every connection and framing.
 *
 * A small frame is written in place into one 64 KiB slab and handed to the transport as a region
 * (`reserveSlab`, `currentSlab`, `sendFromSlab`), or carved out as a view (`takeSlabBytes`). The frames a
 * connection sends one after another lie side by side, so a tick's burst leaves as one view of the slab
 * (pending-writes.ts). A handed-out region is never written again (a full slab is replaced, not reused), so it
 * stays valid however long it waits in a write queue. All writing is synchronous, so one slab serves every
 * connection without locking.
 *
 * Views are made with `new Uint8Array(buffer, offset, length)` over the slab's ArrayBuffer, kept in a
 * variable: about 70 ns on Node 20 where `subarray` (a species lookup) or reading `.buffer` per call costs
 * 100–115 ns.
 */

/** Slab size. A region is at most this large; larger frames get their own buffer. */
export const WRITE_SLAB_SIZE = 64 * 1024;

let slab = new ArrayBuffer(WRITE_SLAB_SIZE);
/** The whole current slab, for writers that write in place (made once per slab). */
let slabView = new Uint8Array(slab);
let used = 0;
/** Counts slabs, so that regions of different slabs are never taken for neighbours. */
let generation = 0;
/** The region handed out last: the only one that can continue a queued write in place. */
let latest: Uint8Array | undefined;

function ensureRoom(size: number): void {
  if (used + size > WRITE_SLAB_SIZE) newSlab();
}

function newSlab(): void {
  slab = new ArrayBuffer(WRITE_SLAB_SIZE);
  slabView = new Uint8Array(slab);
  used = 0;
  generation++;
}

/**
 * `size` fresh bytes from the slab (`size` at most {@link WRITE_SLAB_SIZE}). With `aligned`, the region
 * starts on an 8-byte boundary (client masking works in whole words); without, it follows the previous one
 * at once.
 *
 * @example
 * ```ts
 * const frame = takeSlabBytes(1 + payload.length);
 * frame[0] = payload.length;
 * frame.set(payload, 1);
 * sink.write(frame);
 * ```
 */
export function takeSlabBytes(size: number, aligned = false): Uint8Array {
  if (aligned) used = (used + 7) & ~7;
  ensureRoom(size);
  return commitSlab(size);
}

/**
 * Make room for a frame of at most `maxSize` bytes written in place: returns the offset in
 * {@link currentSlab} where it starts. Nothing is taken until the frame is sent with `sink.writeSlab(size)`
 * (or {@link commitSlab} makes it a view); write, then send, before anything else uses the slab.
 *
 * @example
 * ```ts
 * const at = reserveSlab(1 + payload.length);
 * const slab = currentSlab();
 * slab[at] = payload.length;
 * slab.set(payload, at + 1);
 * sendFromSlab(sink, 1 + payload.length);
 * ```
 */
export function reserveSlab(maxSize: number): number {
  ensureRoom(maxSize);
  return used;
}

/** The whole current slab, to write a frame in place at the offset {@link reserveSlab} returned. Never keep it. */
export function currentSlab(): Uint8Array {
  return slabView;
}

/** For a writer that fills a view (`TextEncoder.encodeInto`): the free part of the slab from {@link reserveSlab}'s offset. */
export function freeSlab(): Uint8Array {
  return new Uint8Array(slab, used, WRITE_SLAB_SIZE - used);
}

/** Take the `size` bytes reserved last and return them as a view. */
export function commitSlab(size: number): Uint8Array {
  const view = new Uint8Array(slab, used, size);
  used += size;
  latest = view;
  return view;
}

/**
 * Take the `size` bytes reserved last without making a view: the transport's side of `sink.writeSlab`.
 * Returns their offset in the slab {@link slabBuffer} names; the slab's generation is {@link slabGeneration}.
 */
export function takeSlabRegion(size: number): number {
  const start = used;
  used += size;
  latest = undefined;
  return start;
}

/** The current slab's memory. */
export function slabBuffer(): ArrayBuffer {
  return slab;
}

/** The current slab's generation: regions of different generations never lie side by side. */
export function slabGeneration(): number {
  return generation;
}

/**
 * The slab `bytes` was carved from when it is the region handed out last, else -1. Two regions of the
 * same slab lie side by side when one's `byteOffset` is where the other ends: {@link PendingWrites} merges
 * them knowing this, without reading `.buffer` for every write.
 */
export function slabGenerationOf(bytes: Uint8Array): number {
  return bytes === latest ? generation : -1;
}

/**
 * Send the `size` bytes written in place at {@link reserveSlab}'s offset through `target` (a session's sink,
 * or a byte transport): as a slab region where it takes one (`writeSlab`, no view made), else as a view.
 * Returns what the target's write returns.
 */
export function sendFromSlab<R>(target: { write(bytes: Uint8Array): R; writeSlab?(size: number): R }, size: number): R {
  return target.writeSlab !== undefined ? target.writeSlab(size) : target.write(commitSlab(size));
}
