// LineDecoder on its own: when a line is "in progress" (the session's midMessage, which messageTimeout reads), how
// the input side ends (once), and which path (spans or single lines) each format takes.
import type { FramedError, SessionEnd } from "@framed/core";
import { openRecorded } from "@framed/core/testing";
import { describe, expect, it } from "vitest";
import { LineDecoder } from "../src/decoder.ts";
import { newline, newlineBytes } from "../src/index.ts";
import { type LineFormat, type NdjsonOptions, resolveLineSettings } from "../src/options.ts";
import { bytes, utf8 } from "./helpers.ts";

/** A decoder over a sink that keeps everything it is told. */
function recorded(format: LineFormat, options: NdjsonOptions = {}) {
  const seen = { messages: [] as unknown[], warnings: [] as FramedError[], ends: [] as SessionEnd[] };
  const decoder = new LineDecoder<unknown>(resolveLineSettings(format, options), {
    message: (m) => seen.messages.push(m),
    warn: (w) => seen.warnings.push(w),
    end: (e) => seen.ends.push(e),
  });
  return { decoder, seen };
}

describe("midMessage: a line has begun and its delimiter has not come", () => {
  it("is false between lines and true while a line or its split delimiter is carried", () => {
    const { session } = openRecorded(newline({ delimiter: "\r\n" }));
    expect(session.midMessage).toBe(false);
    session.receive(utf8("whole\r\n"));
    expect(session.midMessage).toBe(false);
    session.receive(utf8("half"));
    expect(session.midMessage).toBe(true);
    session.receive(utf8("\r"));
    expect(session.midMessage).toBe(true);
    session.receive(utf8("\n"));
    expect(session.midMessage).toBe(false);
  });

  it("stays true while an oversized line is being skipped, until its delimiter", () => {
    const { session, record } = openRecorded(newlineBytes({ maxMessageSize: 2, oversize: "skip" }));
    session.receive(utf8("abcdef"));
    expect(record.warnings).toHaveLength(1);
    expect(session.midMessage).toBe(true);
    session.receive(utf8("gh\nok\n"));
    expect(session.midMessage).toBe(false);
    expect(record.messages).toEqual([utf8("ok")]);
  });

  it("is false once the input ended, by bad input or by EOF", () => {
    const failed = openRecorded(newline({ maxMessageSize: 3 }));
    failed.session.receive(utf8("ab"));
    failed.session.receive(utf8("cdef"));
    expect(failed.record.end?.error?.code).toBe("MESSAGE_TOO_LARGE");
    expect(failed.session.midMessage).toBe(false);
    const eof = openRecorded(newline());
    eof.session.receive(utf8("tail"));
    eof.session.receiveEnd();
    expect(eof.record.messages).toEqual(["tail"]);
    expect(eof.session.midMessage).toBe(false);
  });
});

describe("the end of input", () => {
  it("is reported once, and input after it is ignored", () => {
    const { decoder, seen } = recorded("text");
    decoder.receive(utf8("a\nb"));
    decoder.end();
    decoder.end();
    decoder.receive(utf8("late\n"));
    expect(seen.messages).toEqual(["a", "b"]);
    expect(seen.ends).toEqual([{}]);
  });

  it("after bad input is that error alone: no clean end follows at EOF", () => {
    const { decoder, seen } = recorded("json");
    decoder.receive(utf8('{"ok":1}\nnot json\n{"never":1}\n'));
    decoder.end();
    expect(seen.messages).toEqual([{ ok: 1 }]);
    expect(seen.ends).toHaveLength(1);
    expect(seen.ends[0].error).toMatchObject({ code: "INVALID_JSON", messageNumber: 2 });
  });
});

describe("one decoder, three formats", () => {
  it("turns the same line into bytes, text or a JSON value, and only text formats decode spans at once", () => {
    const input = bytes('{"n":1}\r\n');
    const formats: LineFormat[] = ["bytes", "text", "json"];
    const results = formats.map((format) => {
      const { decoder, seen } = recorded(format);
      decoder.receive(input);
      return { batch: decoder.batch, messages: seen.messages };
    });
    expect(results).toEqual([
      { batch: false, messages: [bytes('{"n":1}')] },
      { batch: true, messages: ['{"n":1}'] },
      { batch: true, messages: [{ n: 1 }] },
    ]);
  });

  it("a self-overlapping delimiter is cut line by line even for text (a backwards scan could split it wrongly)", () => {
    const { decoder, seen } = recorded("text", { delimiter: "--" });
    expect(decoder.batch).toBe(false);
    decoder.receive(utf8("a---b--"));
    expect(seen.messages).toEqual(["a", "-b"]);
  });

  it("a span with invalid UTF-8 falls back to single lines, so lines before the bad one still arrive", () => {
    const { decoder, seen } = recorded("text", { invalidUtf8: "skip" });
    decoder.receive(bytes("one\n", 0xff, "\nthree\n"));
    expect(seen.messages).toEqual(["one", "three"]);
    expect(seen.warnings.map((w) => [w.code, w.messageNumber])).toEqual([["INVALID_UTF8", 2]]);
  });
});
