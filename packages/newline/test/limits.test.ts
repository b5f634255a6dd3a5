// maxMessageSize: checked on the growing line, per line in bytes with the delimiter excluded.
import { openRecorded } from "@framed/core/testing";
import { describe, expect, it } from "vitest";
import { newline, newlineBytes } from "../src/index.ts";
import { chunked, decode, everySplit, utf8 } from "./helpers.ts";

describe("maxMessageSize: error (default)", () => {
  it("a line of exactly maxMessageSize bytes is accepted, one byte more fails with MESSAGE_TOO_LARGE", () => {
    expect(decode(newline({ maxMessageSize: 4 }), "abcd\n").messages).toEqual(["abcd"]);
    const record = decode(newline({ maxMessageSize: 4 }), "abcd\nabcde\n");
    expect(record.messages).toEqual(["abcd"]);
    expect(record.end?.error).toMatchObject({ code: "MESSAGE_TOO_LARGE", messageNumber: 2 });
  });

  it("counts bytes, not characters: 3 two-byte characters exceed a 5-byte limit", () => {
    expect(decode(newline({ maxMessageSize: 5 }), "ééé\n").end?.error?.code).toBe("MESSAGE_TOO_LARGE");
    expect(decode(newline({ maxMessageSize: 6 }), "ééé\n").messages).toEqual(["ééé"]);
  });

  it("does not count a stripped CR: a CRLF line of exactly maxMessageSize bytes is accepted at every split", () => {
    for (const chunks of everySplit(utf8("abcd\r\nefgh\r\n"))) {
      const record = decode(newline({ maxMessageSize: 4 }), chunks);
      expect(record.messages).toEqual(["abcd", "efgh"]);
      expect(record.end).toEqual({});
    }
  });

  it("does not count a multi-byte delimiter that arrives one byte at a time", () => {
    const record = decode(newline({ delimiter: "<|>", maxMessageSize: 3 }), chunked(utf8("abc<|>def<|>"), 1));
    expect(record.messages).toEqual(["abc", "def"]);
  });

  it("fails as soon as the growing line passes the limit, before its delimiter arrives", () => {
    const { session, record } = openRecorded(newline({ maxMessageSize: 8 }));
    session.receive(utf8("ok\n12345"));
    expect(record.end).toBeUndefined();
    // 9 bytes could still be 8 plus the CR of a CRLF; the 10th settles it.
    session.receive(utf8("6789"));
    expect(record.end).toBeUndefined();
    session.receive(utf8("0"));
    expect(record.messages).toEqual(["ok"]);
    expect(record.end?.error).toMatchObject({ code: "MESSAGE_TOO_LARGE", messageNumber: 2 });
    expect(record.end?.error?.message).toMatch(/line 2 is longer than maxMessageSize \(8 bytes\)/);
  });

  it("an unterminated last line over the limit fails at EOF instead of being delivered", () => {
    // 5 bytes can be carried with stripCR (the 5th may be the CR of a CRLF), but at EOF it is content.
    const record = decode(newline({ maxMessageSize: 4 }), ["a\n", "bcdef"]);
    expect(record.messages).toEqual(["a"]);
    expect(record.end?.error?.code).toBe("MESSAGE_TOO_LARGE");
  });

  it("maxMessageSize 0 allows only empty lines", () => {
    expect(decode(newline({ maxMessageSize: 0 }), "\n\r\n").messages).toEqual(["", ""]);
    expect(decode(newline({ maxMessageSize: 0 }), "\nx\n").end?.error?.code).toBe("MESSAGE_TOO_LARGE");
  });
});

describe("maxMessageSize: skip", () => {
  it("drops an oversized line, warns once naming it, and resyncs on the next line", () => {
    const record = decode(newline({ maxMessageSize: 3, oversize: "skip" }), "abc\ntoo long\nxyz\n");
    expect(record.messages).toEqual(["abc", "xyz"]);
    expect(record.warnings).toHaveLength(1);
    expect(record.warnings[0]).toMatchObject({ code: "MESSAGE_TOO_LARGE", messageNumber: 2 });
    expect(record.end).toEqual({});
  });

  it("skips a line that spans many chunks with a single warning, at every chunk size", () => {
    const input = utf8(`ok\n${"x".repeat(100)}\nnext\n`);
    for (const size of [1, 2, 3, 7, 50, 99, 200]) {
      const record = decode(newline({ maxMessageSize: 10, oversize: "skip" }), chunked(input, size));
      expect(record.messages).toEqual(["ok", "next"]);
      expect(record.warnings.map((w) => w.messageNumber)).toEqual([2]);
    }
  });

  it("finds a multi-byte delimiter split across chunks while discarding", () => {
    const input = utf8(`${"y".repeat(40)}<|>after<|>`);
    for (const chunks of everySplit(input)) {
      const record = decode(newline({ delimiter: "<|>", maxMessageSize: 8, oversize: "skip" }), chunks);
      expect(record.messages).toEqual(["after"]);
      expect(record.warnings).toHaveLength(1);
    }
  });

  it("keeps counting lines across skipped ones: later errors name the right line", () => {
    const record = decode(
      newline({ maxMessageSize: 3, oversize: "skip", unterminatedLine: "error" }),
      "a\nlong one\nb\nc",
    );
    expect(record.messages).toEqual(["a", "b"]);
    expect(record.end?.error).toMatchObject({ code: "TRUNCATED", messageNumber: 4 });
  });

  it("an oversized unterminated line at EOF is reported and the session ends cleanly", () => {
    const record = decode(newline({ maxMessageSize: 3, oversize: "skip" }), "a\nlonger");
    expect(record.messages).toEqual(["a"]);
    expect(record.warnings).toHaveLength(1);
    expect(record.end).toEqual({});
  });

  it("never holds the skipped bytes: 64 MiB of one line over a 1 MiB limit leaves memory flat", () => {
    const chunk = new Uint8Array(64 * 1024).fill(0x61);
    const { session, record } = openRecorded(newlineBytes({ maxMessageSize: 1024 * 1024, oversize: "skip" }));
    session.receive(chunk);
    const before = process.memoryUsage().arrayBuffers;
    for (let i = 0; i < 1024; i++) session.receive(chunk);
    const grown = process.memoryUsage().arrayBuffers - before;
    session.receive(utf8("\nfine\n"));
    expect(grown).toBeLessThan(8 * 1024 * 1024);
    expect(record.messages).toEqual([utf8("fine")]);
    expect(record.warnings).toHaveLength(1);
  });
});
