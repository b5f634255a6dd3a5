// The @framed/core conformance kit over every newline framing, plus model-based property tests.
import { checkConformance, checkEverySplit, checkRandomBytes, decodeChunks, splitAt } from "@framed/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ndjson, newline, newlineBytes } from "../src/index.ts";
import { utf8 } from "./helpers.ts";

const TEXT_MESSAGES = ["hello", "", "héllo wörld", "日本語", "😀 emoji", "tab\tand\rcr inside", "x".repeat(40)];

describe("conformance kit", () => {
  it("newline(): every split, random splits and random bytes", () => {
    checkConformance({ framing: newline(), messages: TEXT_MESSAGES });
  });

  it("newline() on CRLF input: every split, including between CR and LF and inside characters", () => {
    const encoded = utf8(`${TEXT_MESSAGES.filter((m) => !m.includes("\r")).join("\r\n")}\r\n`);
    const messages = TEXT_MESSAGES.filter((m) => !m.includes("\r"));
    checkEverySplit({ framing: newline(), messages, encoded });
  });

  it("strict CRLF, a multi-byte and a self-overlapping delimiter: every split", () => {
    checkConformance({ framing: newline({ delimiter: "\r\n" }), messages: ["a\nb", "", "é\n"] });
    checkConformance({ framing: newline({ delimiter: "<|>" }), messages: ["one", "", "t<|o", "|>x"] });
    checkConformance({ framing: newline({ delimiter: "--" }), messages: ["-a", "b", "", "c-d"] });
  });

  it("newlineBytes(): every split with a binary delimiter", () => {
    const framing = newlineBytes({ delimiter: new Uint8Array([0xff, 0xfe]) });
    checkConformance({
      framing,
      messages: [new Uint8Array([1, 2, 0xff]), new Uint8Array(0), new Uint8Array([0xfe, 9])],
    });
  });

  it("ndjson(): every split of JSON values", () => {
    checkConformance({
      framing: ndjson(),
      messages: [{ a: 1 }, [1, "é😀"], "s\nt", null, 0, { nested: { deep: [true, false] } }],
    });
  });

  it("random bytes end in messages or a FramedError with limits and skip policies on", () => {
    checkRandomBytes(newline({ maxMessageSize: 16 }));
    checkRandomBytes(newline({ maxMessageSize: 16, oversize: "skip", invalidUtf8: "skip", delimiter: "\r\n" }));
    checkRandomBytes(ndjson({ maxMessageSize: 32, invalidJson: "skip", unterminatedLine: "error" }));
    checkRandomBytes(newlineBytes({ maxMessageSize: 8, oversize: "skip", delimiter: "ab" }));
  });
});

/** The obvious, slow way: split the whole text at once. Oversized lines are dropped and counted. */
function modelLines(text: string, delimiter: string, stripCR: boolean, max: number) {
  const parts = text.split(delimiter);
  const last = parts.pop()!;
  const lines = parts.map((p) => (stripCR && p.endsWith("\r") ? p.slice(0, -1) : p));
  if (last !== "") lines.push(last);
  const kept = lines.filter((line) => utf8(line).length <= max);
  return { kept, dropped: lines.length - kept.length };
}

describe("model-based properties", () => {
  const alphabet = fc.constantFrom("a", "b", "-", "\n", "\r", "é", "😀", "<", "|", ">", "\0");
  const delimiters = fc.constantFrom("\n", "\r\n", "--", "<|>", "\0", "a-a");

  it("any text, delimiter and chunking gives the lines of a whole-text split, oversized ones skipped", () => {
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 80 }).map((a) => a.join("")),
        delimiters,
        fc.integer({ min: 0, max: 12 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (text, delimiter, max, rawCuts) => {
          const input = utf8(text);
          const cuts = [...new Set(rawCuts.map((c) => (c % Math.max(1, input.length - 1)) + 1))]
            .filter((c) => c < input.length)
            .sort((a, b) => a - b);
          const stripCR = delimiter === "\n";
          const framing = newline({ delimiter, maxMessageSize: max, oversize: "skip", stripBom: false });
          const record = decodeChunks(framing, splitAt(input, cuts));
          const model = modelLines(text, delimiter, stripCR, max);
          expect(record.messages).toEqual(model.kept);
          expect(record.warnings).toHaveLength(model.dropped);
          expect(record.end).toEqual({});
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('oversize "error" stops at the first oversized line and names it', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-c]{0,9}$/), { maxLength: 12 }), (lines) => {
        const record = decodeChunks(newline({ maxMessageSize: 5 }), [utf8(lines.map((l) => `${l}\n`).join(""))]);
        const firstBad = lines.findIndex((l) => l.length > 5);
        if (firstBad === -1) {
          expect(record.messages).toEqual(lines);
        } else {
          expect(record.messages).toEqual(lines.slice(0, firstBad));
          expect(record.end?.error).toMatchObject({ code: "MESSAGE_TOO_LARGE", messageNumber: firstBad + 1 });
        }
      }),
      { numRuns: 500 },
    );
  });

  it("on arbitrary bytes, decoding one chunk (batch path) and one byte per chunk (per-line path) agree", () => {
    const byte = fc.oneof(fc.constantFrom(0x0a, 0x0d, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0xff), fc.nat(255));
    const framings = [
      newline({ invalidUtf8: "replace" }),
      newline({ invalidUtf8: "skip" }),
      newline(),
      newline({ delimiter: "é" }),
      ndjson({ invalidJson: "skip", invalidUtf8: "skip" }),
    ];
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 80 }), (list) => {
        const input = new Uint8Array(list);
        const singles = Array.from(input, (_, i) => input.subarray(i, i + 1));
        for (const framing of framings) {
          const whole = decodeChunks(framing, [input]);
          const split = decodeChunks(framing, singles);
          expect(split.messages).toEqual(whole.messages);
          expect(split.warnings.map((w) => [w.code, w.messageNumber])).toEqual(
            whole.warnings.map((w) => [w.code, w.messageNumber]),
          );
          expect([split.end?.error?.code, split.end?.error?.messageNumber]).toEqual([
            whole.end?.error?.code,
            whole.end?.error?.messageNumber,
          ]);
        }
      }),
      { numRuns: 800 },
    );
  });
});
