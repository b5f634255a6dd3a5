// Line splitting rules of the newline framings: delimiters, CR handling, empty and final lines, BOM.
import { decodeChunks, openRecorded } from "@framed/core/testing";
import { describe, expect, it } from "vitest";
import { newline, newlineBytes } from "../src/index.ts";
import { bytes, decode, everySplit, utf8 } from "./helpers.ts";

describe("LF with CR stripping (the default)", () => {
  it("splits on LF and strips one CR before it, so LF and CRLF input read the same", () => {
    expect(decode(newline(), "a\nb\r\nc\r\r\n").messages).toEqual(["a", "b", "c\r"]);
  });

  it("keeps a lone CR inside a line (only CR right before LF is a line ending)", () => {
    expect(decode(newline(), "a\rb\n\rc\n").messages).toEqual(["a\rb", "\rc"]);
  });

  it("handles a CRLF split across two chunks by state, without a timer", () => {
    const record = decode(newline(), ["one\r", "\ntwo\r", "\n"]);
    expect(record.messages).toEqual(["one", "two"]);
  });

  it("strips a CR that arrived chunks before its LF, even when the line was carried", () => {
    expect(decode(newline(), ["ab", "cd\r", "", "\n"]).messages).toEqual(["abcd"]);
  });

  it("keeps a trailing CR when the input ends without an LF after it", () => {
    expect(decode(newline(), "x\ny\r").messages).toEqual(["x", "y\r"]);
  });

  it("stripCR: false keeps the CR of CRLF in the line", () => {
    expect(decode(newline({ stripCR: false }), "a\r\nb\n").messages).toEqual(["a\r", "b"]);
  });
});

describe("empty and final lines", () => {
  it("delivers empty lines as empty messages", () => {
    expect(decode(newline(), "\n\na\n\r\n").messages).toEqual(["", "", "a", ""]);
  });

  it("skipEmpty drops empty lines, including CRLF-only ones", () => {
    expect(decode(newline({ skipEmpty: true }), "\n\na\n\r\nb\n").messages).toEqual(["a", "b"]);
  });

  it("delivers a final line without delimiter at EOF by default", () => {
    const record = decode(newline(), "a\nlast");
    expect(record.messages).toEqual(["a", "last"]);
    expect(record.end).toEqual({});
  });

  it("unterminatedLine: error ends with TRUNCATED naming the line, after delivering the complete lines", () => {
    const record = decode(newline({ unterminatedLine: "error" }), "a\nb\nlast");
    expect(record.messages).toEqual(["a", "b"]);
    expect(record.end?.error).toMatchObject({ code: "TRUNCATED", messageNumber: 3 });
    expect(record.end?.error?.message).toContain("line 3");
  });

  it("unterminatedLine: error is satisfied by input that ends with the delimiter", () => {
    expect(decode(newline({ unterminatedLine: "error" }), "a\n").end).toEqual({});
  });

  it("empty input yields no messages and a clean end", () => {
    const record = decode(newline(), []);
    expect(record.messages).toEqual([]);
    expect(record.end).toEqual({});
  });
});

describe("strict CRLF and custom delimiters", () => {
  it('delimiter "\\r\\n" splits only on CRLF: a bare LF is line content', () => {
    expect(decode(newline({ delimiter: "\r\n" }), "a\nb\r\nc\r\n").messages).toEqual(["a\nb", "c"]);
  });

  it('delimiter "\\r\\n" finds a CRLF split across chunks at every byte boundary', () => {
    for (const chunks of everySplit(utf8("ab\r\ncd\r\n\r\ne"))) {
      expect(decode(newline({ delimiter: "\r\n" }), chunks).messages).toEqual(["ab", "cd", "", "e"]);
    }
  });

  it("splits on a single-byte custom delimiter (NUL)", () => {
    expect(decode(newline({ delimiter: "\0" }), "a\0b\nc\0").messages).toEqual(["a", "b\nc"]);
  });

  it("splits on a multi-byte text delimiter at every byte boundary", () => {
    for (const chunks of everySplit(utf8("one<|>two<|><|>three"))) {
      expect(decode(newline({ delimiter: "<|>" }), chunks).messages).toEqual(["one", "two", "", "three"]);
    }
  });

  it('splits a self-overlapping delimiter left to right ("--" in "a---b" ends the line at the first pair)', () => {
    for (const chunks of everySplit(utf8("a---b----c"))) {
      expect(decode(newline({ delimiter: "--" }), chunks).messages).toEqual(["a", "-b", "", "c"]);
    }
  });

  it("splits on a byte delimiter that is not UTF-8 (0xFF), in byte mode", () => {
    const record = decode(newlineBytes({ delimiter: new Uint8Array([0xff]) }), [bytes("a", 0xff, 0x00, 0xff)]);
    expect(record.messages).toEqual([bytes("a"), bytes(0x00)]);
  });

  it("splits a multi-byte non-UTF-8 delimiter that spans three chunks", () => {
    const delimiter = new Uint8Array([0xfe, 0xff, 0xfe]);
    const record = decode(newline({ delimiter }), [
      bytes("ab", 0xfe),
      bytes(0xff),
      bytes(0xfe, "cd", 0xfe, 0xff, 0xfe),
    ]);
    expect(record.messages).toEqual(["ab", "cd"]);
  });

  it("rejects an empty delimiter and a wrong option type at creation", () => {
    expect(() => newline({ delimiter: "" })).toThrow(TypeError);
    expect(() => newline({ oversize: "drop" as never })).toThrow(/oversize must be one of/);
    expect(() => newline({ maxMessageSize: -1 })).toThrow(RangeError);
  });

  it("ignores option keys it does not know (the runtime entries pass stream options alongside)", () => {
    const options = { readableHighWaterMark: 4, closeTimeout: 10 } as Parameters<typeof newline>[0];
    expect(decode(newline(options), "a\n").messages).toEqual(["a"]);
  });
});

describe("byte order mark", () => {
  it("strips a UTF-8 BOM at the very start of input by default, at every byte boundary", () => {
    for (const chunks of everySplit(utf8("\uFEFFa\nb\n"))) {
      expect(decode(newline(), chunks).messages).toEqual(["a", "b"]);
    }
  });

  it("strips only the first BOM: one later in the input stays in the line", () => {
    expect(decode(newline(), "\uFEFFa\n\uFEFFb\n").messages).toEqual(["a", "\uFEFFb"]);
  });

  it("stripBom: false keeps the BOM as U+FEFF (as readline and split2 do)", () => {
    expect(decode(newline({ stripBom: false }), "\uFEFFa\n").messages).toEqual(["\uFEFFa"]);
  });

  it("gives back the bytes of a BOM prefix that turned out not to be a BOM", () => {
    const record = decode(newlineBytes({ stripBom: true }), [bytes(0xef), bytes(0xbb, "x\n")]);
    expect(record.messages).toEqual([bytes(0xef, 0xbb, "x")]);
  });

  it("gives back a BOM prefix cut off by the end of input", () => {
    const record = decode(newlineBytes({ stripBom: true }), [bytes(0xef, 0xbb)]);
    expect(record.messages).toEqual([bytes(0xef, 0xbb)]);
  });

  it("newlineBytes keeps a leading BOM by default (bytes are not text)", () => {
    expect(decode(newlineBytes(), [bytes(0xef, 0xbb, 0xbf, "a\n")]).messages).toEqual([bytes(0xef, 0xbb, 0xbf, "a")]);
  });
});

describe("byte records", () => {
  it("hands out a line that lies inside one chunk as a view of that chunk, not a copy", () => {
    const chunk = utf8("abc\ndef\n");
    const record = decodeChunks(newlineBytes(), [chunk]);
    expect(record.messages[1].buffer).toBe(chunk.buffer);
    expect(record.messages[1].byteOffset).toBe(4);
  });

  it("a line assembled from several chunks stays intact after more input arrives", () => {
    const { session, record } = openRecorded(newlineBytes());
    session.receive(utf8("ab"));
    session.receive(utf8("cd\nxy"));
    session.receive(utf8("z\n"));
    expect(record.messages).toEqual([utf8("abcd"), utf8("xyz")]);
  });
});

describe("session lifecycle", () => {
  it("ignores input after the session ended, and reports nothing more", () => {
    const { session, record } = openRecorded(newline({ maxMessageSize: 2 }));
    session.receive(utf8("ok\ntoo long\nmore\n"));
    session.receive(utf8("after\n"));
    session.receiveEnd();
    expect(record.messages).toEqual(["ok"]);
    expect(record.end?.error?.code).toBe("MESSAGE_TOO_LARGE");
  });

  it("close() writes nothing and says the transport may close at once", () => {
    const { session, record } = openRecorded(newline());
    expect(session.close()).toBe(false);
    expect(record.writes).toEqual([]);
    expect(() => session.send("late")).toThrow(expect.objectContaining({ code: "CLOSED" }));
  });

  it("send still works after the peer's clean EOF (answering a half-closed peer)", () => {
    const { session, record } = openRecorded(newline());
    session.receive(utf8("question\n"));
    session.receiveEnd();
    session.send("answer");
    expect(record.end).toEqual({});
    expect(record.writes).toEqual([utf8("answer\n")]);
  });

  it("send still encodes after bad input ended the session (replies to lines delivered before it)", () => {
    const { session, record } = openRecorded(newline({ maxMessageSize: 3 }));
    session.receive(utf8("a\nxxxx\n"));
    session.send("b");
    expect(record.end?.error?.code).toBe("MESSAGE_TOO_LARGE");
    expect(record.writes).toEqual([utf8("b\n")]);
  });
});

describe("lines carried across chunks", () => {
  it("text lines reuse the carry buffer without mixing bytes of an earlier, longer line into a later one", () => {
    const long = "a".repeat(3000);
    const chunks = [long.slice(0, 1000), `${long.slice(1000)}\nbb`, "b\ncc", "\n", "é".repeat(700), "\n"];
    expect(decode(newline(), chunks).messages).toEqual([long, "bbb", "cc", "é".repeat(700)]);
  });

  it("byte lines carried across chunks are their own copies, which later lines never overwrite", () => {
    const record = decode(newlineBytes(), ["xyz", "w\n12", "3\n"]);
    expect(record.messages.map((m) => new TextDecoder().decode(m as Uint8Array))).toEqual(["xyzw", "123"]);
  });
});
