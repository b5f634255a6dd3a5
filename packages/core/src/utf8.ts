/**
 * UTF-8 encoding for the send paths: into a framing's write slab when the text is short, into a buffer of
 * its own when it is long.
 */
import { nativeBuffer } from "./native-buffer.ts";
import type { WriteSlab } from "./write-slab.ts";

const encoder = new TextEncoder();

/**
 * The UTF-8 bytes of `text`. With a `slab`, a short text is encoded in place there (0.1–0.2 µs where
 * `TextEncoder.encode` costs about 1.5 µs for 64 characters on Node 20); a long one gets its own buffer. On
 * Node, an all-ASCII long string (its UTF-8 length equals its length) is copied byte for byte, about 4×
 * faster than `TextEncoder.encode` for 64 KiB.
 *
 * @example
 * ```ts
 * sink.write(encodeUtf8(message, slab));
 * ```
 */
export function encodeUtf8(text: string, slab?: WriteSlab): Uint8Array {
  if (slab !== undefined) {
    const size = slab.writeUtf8(text);
    if (size !== -1) return slab.commit(size);
  }
  if (nativeBuffer === undefined || text.length < 256) return encoder.encode(text);
  const size = nativeBuffer.byteLength(text, "utf8");
  const bytes = nativeBuffer.allocUnsafeSlow(size);
  bytes.write(text, 0, size, size === text.length ? "latin1" : "utf8");
  return new Uint8Array(bytes.buffer, bytes.byteOffset, size);
}
