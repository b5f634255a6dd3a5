// encodeUtf8: the same bytes as TextEncoder on every path (slab, suffix, long ASCII copy, long UTF-8).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeUtf8, WriteSlab } from "../src/index.ts";
import { nativeBuffer } from "../src/native-buffer.ts";

const reference = new TextEncoder();
const NEWLINE = new Uint8Array([10]);
const CRLF = new Uint8Array([13, 10]);

describe("encodeUtf8", () => {
  it("takes Node's native Buffer for long strings on Node (Deno's polyfill is refused, see core.deno.test.ts)", () => {
    expect(nativeBuffer).toBe(globalThis.Buffer);
  });

  it.each([
    ["short ASCII", "hello"],
    ["short multi-byte", "héllo wörld 😀"],
    ["long ASCII (byte copy on Node)", "a".repeat(70_000)],
    ["long text with one non-ASCII character at the end", `${"a".repeat(5000)}é`],
    ["long text of 4-byte characters", "😀".repeat(3000)],
    ["long text of lone surrogates (encoded as U+FFFD)", "\ud800".repeat(3000)],
  ])("encodes %s exactly as TextEncoder does", (_, text) => {
    expect(encodeUtf8(text)).toEqual(reference.encode(text));
  });

  it("encodes a short text into the slab it is given, a long one into a buffer of its own", () => {
    const slab = new WriteSlab();
    expect(encodeUtf8("short", slab).buffer).toBe(slab.buffer);
    expect(encodeUtf8("a".repeat(5000), slab).buffer).not.toBe(slab.buffer);
  });

  it("appends a suffix after a short text in the slab", () => {
    const slab = new WriteSlab();
    expect(slab.commit(slab.writeUtf8("line", NEWLINE))).toEqual(reference.encode("line\n"));
    expect(slab.commit(slab.writeUtf8("é", CRLF))).toEqual(reference.encode("é\r\n"));
  });

  it("never rewrites bytes it handed out earlier, across slab refills", () => {
    const slab = new WriteSlab();
    const views = Array.from({ length: 20_000 }, (_, i) => [`message ${i}`, encodeUtf8(`message ${i}`, slab)] as const);
    for (const [text, view] of views) expect(new TextDecoder().decode(view)).toBe(text);
  });

  it("agrees with TextEncoder on arbitrary strings, short and long, with and without a slab", () => {
    const slab = new WriteSlab();
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 5000 }), (text) => {
        expect(encodeUtf8(text)).toEqual(reference.encode(text));
        expect(encodeUtf8(text, slab)).toEqual(reference.encode(text));
      }),
      { numRuns: 300 },
    );
  });
});
