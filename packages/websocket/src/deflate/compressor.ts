/**
 * The pluggable, runtime-neutral per-message compressor of permessage-deflate (RFC 7692 §7.2): what the
 * session needs from a deflate implementation, synchronously.
 *
 * Node and Deno plug in node:zlib ({@link createZlibCompressor}); another runtime can plug in anything
 * that produces and consumes raw DEFLATE (RFC 1951) with sync flushes.
 */

/** One direction's settings, taken from the agreed {@link DeflateParams}. */
export interface DeflateSettings {
  /** LZ77 window, 8..15 (`*_max_window_bits`). */
  windowBits: number;
  /** Start every message from an empty window (`*_no_context_takeover`). */
  noContextTakeover: boolean;
}

/** Compresses the messages a session sends. */
export interface MessageDeflater {
  /**
   * Compress one whole message and return the frame payload: the DEFLATE blocks up to a sync flush,
   * with the flush's trailing `00 00 ff ff` removed (RFC 7692 §7.2.1).
   */
  compress(message: Uint8Array): Uint8Array;
  /** Release native resources. Called once, when the session ends. */
  dispose(): void;
}

/** Decompresses the messages a session receives, piece by piece, within a size budget. */
export interface MessageInflater {
  /**
   * Inflate the next payload piece of a compressed message; on its last piece (`last`) append
   * `00 00 ff ff` first (RFC 7692 §7.2.2). Inflated bytes go to `output` in bounded steps; each piece is
   * only valid during the call (copy it). Throws a `FramedError`: `MESSAGE_TOO_LARGE` as soon as more than
   * `budget` bytes came out of this call (a deflate bomb stops there), `PROTOCOL_ERROR` for data that is
   * not DEFLATE.
   */
  inflate(data: Uint8Array, last: boolean, budget: number, output: (piece: Uint8Array) => void): void;
  /** Release native resources. Called once, when the session ends. */
  dispose(): void;
}

/**
 * Creates the deflater and inflater of each connection that negotiated permessage-deflate.
 *
 * @example
 * ```ts
 * import zlib from "node:zlib";
 * const framing = websocket({ deflate: params, compressor: createZlibCompressor(zlib, { level: 1 }) });
 * ```
 */
export interface CompressorFactory {
  createDeflater(settings: DeflateSettings): MessageDeflater;
  createInflater(settings: DeflateSettings): MessageInflater;
}

/** The four bytes a sync flush ends with: stripped after compressing, appended before inflating. */
export const DEFLATE_TAIL: Uint8Array = Uint8Array.of(0x00, 0x00, 0xff, 0xff);
