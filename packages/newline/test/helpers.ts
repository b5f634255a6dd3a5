// Small helpers shared by the Node-side tests: bytes from text, chunking, and decoding a list of chunks.
import type { Framing } from "@framed/core";
import { decodeChunks, type SessionRecord } from "@framed/core/testing";

const encoder = new TextEncoder();

/** UTF-8 bytes of `text`. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Bytes from numbers and strings, e.g. `bytes("a", 0xff, "\n")`. */
export function bytes(...parts: Array<string | number>): Uint8Array {
  const out: number[] = [];
  for (const part of parts) {
    if (typeof part === "number") out.push(part);
    else out.push(...encoder.encode(part));
  }
  return new Uint8Array(out);
}

/** `input` cut into chunks of `size` bytes. */
export function chunked(input: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < input.length; i += size) chunks.push(input.subarray(i, i + size));
  return chunks;
}

/** Decode `input` (one chunk, or a list of text/byte chunks) then EOF. */
export function decode<T>(
  framing: Framing<T>,
  input: string | Uint8Array | Array<string | Uint8Array>,
): SessionRecord<T> {
  const list = Array.isArray(input) ? input : [input];
  return decodeChunks(
    framing,
    list.map((c) => (typeof c === "string" ? utf8(c) : c)),
  );
}

/** Every way to cut `input` into two chunks, plus one byte at a time. */
export function everySplit(input: Uint8Array): Uint8Array[][] {
  const splits: Uint8Array[][] = [[input]];
  for (let cut = 1; cut < input.length; cut++) splits.push([input.subarray(0, cut), input.subarray(cut)]);
  splits.push(chunked(input, 1));
  return splits;
}
