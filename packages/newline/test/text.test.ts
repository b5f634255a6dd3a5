// UTF-8 decoding of text lines: split characters, invalid bytes, and the batch path agreeing with the per-line path.
import { describe, expect, it } from "vitest";
import { LineDecoder } from "../src/decoder.ts";
import { newline } from "../src/index.ts";
import { type LineOptions, resolveLineSettings } from "../src/options.ts";
import { bytes, decode, everySplit, utf8 } from "./helpers.ts";

/** A text decoder with a no-op sink, to look at which path it takes. */
function textDecoder(options: LineOptions): LineDecoder<string> {
  return new LineDecoder(resolveLineSettings("text", options), { message() {}, warn() {}, end() {} });
}

const MIXED = "héllo\nwörld ✓\n日本語\r\n😀 emoji\n\nend";

describe("UTF-8 text lines", () => {
  it("delivers a character split across chunks whole, at every byte boundary (2, 3 and 4-byte characters)", () => {
    for (const chunks of everySplit(utf8(MIXED))) {
      expect(decode(newline(), chunks).messages).toEqual(["héllo", "wörld ✓", "日本語", "😀 emoji", "", "end"]);
    }
  });

  it("gives the same lines on the batch path and the per-line path", () => {
    const input = utf8(MIXED);
    // A limit smaller than the chunk forces per-line size checks, so the per-line path is taken.
    const batch = decode(newline(), [input]).messages;
    const perLine = decode(newline({ maxMessageSize: 20 }), [input]).messages;
    expect(perLine).toEqual(batch);
  });

  it("offers the batch path only when the delimiter is text, and splits text lines at a non-UTF-8 delimiter", () => {
    const record = decode(newline({ delimiter: Uint8Array.of(0xff) }), [
      bytes("one", 0xff, "two", 0xff, "thr"),
      bytes("ee", 0xff),
    ]);
    expect(record.messages).toEqual(["one", "two", "three"]);
    expect(textDecoder({ delimiter: Uint8Array.of(0xff) }).batch).toBe(false);
    expect(textDecoder({}).batch).toBe(true);
  });

  it("invalid UTF-8 ends the stream with INVALID_UTF8 naming the line, after the lines before it", () => {
    const record = decode(newline(), [bytes("good\nalso good\nbad ", 0xc3, 0x28, "\nnever\n")]);
    expect(record.messages).toEqual(["good", "also good"]);
    expect(record.end?.error).toMatchObject({ code: "INVALID_UTF8", messageNumber: 3 });
    expect(record.end?.error?.message).toContain("line 3");
  });

  it("a character cut by the delimiter is invalid (a truncated sequence at the end of a line)", () => {
    const record = decode(newline(), [bytes("ok\n", 0xe2, 0x82, "\n")]);
    expect(record.end?.error).toMatchObject({ code: "INVALID_UTF8", messageNumber: 2 });
  });

  it("rejects invalid UTF-8 in a line carried across chunks too", () => {
    const record = decode(newline(), [bytes("a\nb", 0xff), bytes("c\n")]);
    expect(record.messages).toEqual(["a"]);
    expect(record.end?.error).toMatchObject({ code: "INVALID_UTF8", messageNumber: 2 });
  });

  it('invalidUtf8: "skip" drops the bad line with a warning and carries on', () => {
    const record = decode(newline({ invalidUtf8: "skip" }), [bytes("a\n", 0xff, "\nb\n")]);
    expect(record.messages).toEqual(["a", "b"]);
    expect(record.warnings).toEqual([expect.objectContaining({ code: "INVALID_UTF8", messageNumber: 2 })]);
    expect(record.end).toEqual({});
  });

  it('invalidUtf8: "replace" decodes bad sequences as U+FFFD, like TextDecoder and split2', () => {
    const record = decode(newline({ invalidUtf8: "replace" }), [bytes("a", 0xff, "b\n", 0xe2, 0x82, "\nc\n")]);
    expect(record.messages).toEqual(["a\uFFFDb", "\uFFFD", "c"]);
  });

  it("surrogate pairs survive a round trip; lone surrogates are sent as U+FFFD (TextEncoder's rule)", () => {
    const record = decode(newline(), [utf8("😀\n\uD800\n")]);
    expect(record.messages).toEqual(["😀", "\uFFFD"]);
  });
});
