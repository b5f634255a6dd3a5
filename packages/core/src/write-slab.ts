/**
 * The write slab: fresh memory for small outgoing frames, shared by every connection and framing.
 *
 * A small frame's bytes are carved from one 64 KiB slab, so sending one costs a view, not an allocation
 * of its own. A handed-out region is never written again (a full slab is replaced, not reused), so it stays
 * valid however long it waits in a write queue. All writing is synchronous, so sharing one slab between
 * connections needs no locking.
 *
 * Views are made with `new Uint8Array(buffer, offset, length)` over the slab's ArrayBuffer, kept in a
 * variable: about 70 ns on Node 20 where `subarray` (a species lookup) or reading `.buffer` per call costs
 * 100–115 ns, once or twice for every message sent.
 */

/** Slab size. A region is at most this large; larger frames get their own buffer. */
export const WRITE_SLAB_SIZE = 64 * 1024;

let slab = new ArrayBuffer(WRITE_SLAB_SIZE);
let used = 0;
/** Counts slabs, so that regions of different slabs are never taken for neighbours. */
let generation = 0;
/** The region handed out last: the only one that can continue a queued write in place. */
let latest: Uint8Array | undefined;

function ensureRoom(size: number): void {
  if (used + size > WRITE_SLAB_SIZE) {
    slab = new ArrayBuffer(WRITE_SLAB_SIZE);
    used = 0;
    generation++;
  }
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
  // ensureRoom, written out: this runs for every small message sent.
  if (used + size > WRITE_SLAB_SIZE) {
    slab = new ArrayBuffer(WRITE_SLAB_SIZE);
    used = 0;
    generation++;
  }
  const view = new Uint8Array(slab, used, size);
  used += size;
  latest = view;
  return view;
}

/**
 * For a writer that learns its size while writing (`TextEncoder.encodeInto`): the free part of the slab,
 * at least `maxSize` bytes. Nothing is taken until {@link commitSlab}.
 */
export function reserveSlab(maxSize: number): Uint8Array {
  ensureRoom(maxSize);
  return new Uint8Array(slab, used, WRITE_SLAB_SIZE - used);
}

/** Take the first `size` bytes of the region {@link reserveSlab} just returned. */
export function commitSlab(size: number): Uint8Array {
  const view = new Uint8Array(slab, used, size);
  used += size;
  latest = view;
  return view;
}

/**
 * The slab `bytes` was carved from when it is the region handed out last, else -1. Two regions of the
 * same slab lie side by side when one's `byteOffset` is where the other ends: {@link PendingWrites} merges
 * them knowing this, without reading `.buffer` for every write.
 */
export function slabGenerationOf(bytes: Uint8Array): number {
  return bytes === latest ? generation : -1;
}
