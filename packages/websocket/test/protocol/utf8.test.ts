// Autobahn category 6 (UTF-8): valid text decodes; invalid text fails with 1007 as soon as the bad byte arrives.
import { concatBytes } from "@framed/core/testing";
import { describe, expect, test } from "vitest";
import { Utf8Validator } from "../../src/protocol/utf8.ts";
import { bytesOf, CLOSE, CONTINUATION, frame, open, serverReceives, TEXT, utf8 } from "./frames.ts";

const VALID = [
  "κόσμε",
  "Hello-µ@ßöäüàá-UTF-8!!",
  "\u{10FFFF}",
  "\u{1F600} emoji",
  "\uFEFFleading BOM kept",
  "\u0000nul",
];
const INVALID: [string, number[]][] = [
  ["lone continuation byte", [0x80]],
  ["overlong encoding of '/'", [0xc0, 0xaf]],
  ["code point above U+10FFFF", [0xf4, 0x90, 0x80, 0x80]],
  ["UTF-16 surrogate U+D800", [0xed, 0xa0, 0x80]],
  ["0xFE byte", [0xfe]],
  ["truncated 3-byte sequence at the end", [0x61, 0xe2, 0x82]],
];

describe("UTF-8 handling (Autobahn 6.x)", () => {
  test.each(VALID)("valid text %j arrives unchanged", (text) => {
    expect(serverReceives([frame({ opcode: TEXT, payload: text })]).record.messages).toEqual([text]);
  });

  test.each(VALID)("valid text %j split into one-byte fragments arrives unchanged", (text) => {
    const bytes = utf8(text);
    const frames = Array.from(bytes, (byte, i) =>
      frame({ opcode: i === 0 ? TEXT : CONTINUATION, payload: bytesOf(byte), fin: i === bytes.length - 1 }),
    );
    expect(serverReceives(frames).record.messages).toEqual([text]);
  });

  test.each(INVALID)("a text frame with %s fails with 1007", (_name, bytes) => {
    const harness = serverReceives([frame({ opcode: TEXT, payload: Uint8Array.from(bytes) })]);
    expect(harness.record.messages).toEqual([]);
    expect(harness.record.end?.code).toBe(1007);
    expect(harness.record.end?.error?.code).toBe("INVALID_UTF8");
    expect(harness.sentCloseCode()).toBe(1007);
  });

  test("invalid UTF-8 in the second fragment fails at once, before the message's last fragment arrives", () => {
    const harness = open();
    harness.session.receive(frame({ opcode: TEXT, payload: "κόσμε", fin: false }));
    expect(harness.record.end).toBeUndefined();
    harness.session.receive(frame({ opcode: CONTINUATION, payload: bytesOf(0xf4, 0x90), fin: false }));
    expect(harness.record.end?.code).toBe(1007);
  });

  test("an impossible prefix split across fragments (F4 | 90) fails when the second byte arrives", () => {
    const harness = open();
    harness.session.receive(frame({ opcode: TEXT, payload: bytesOf(0x61, 0xf4), fin: false }));
    expect(harness.record.end).toBeUndefined();
    harness.session.receive(frame({ opcode: CONTINUATION, payload: bytesOf(0x90), fin: false }));
    expect(harness.record.end?.code).toBe(1007);
  });

  test("invalid UTF-8 inside one frame fails while the rest of that frame is still in flight", () => {
    const bytes = frame({
      opcode: TEXT,
      payload: concatBytes([utf8("ok "), bytesOf(0xc0, 0xaf), new Uint8Array(5000).fill(0x61)]),
    });
    const harness = open();
    harness.session.receive(bytes.subarray(0, 8 + 5)); // 8-byte header (16-bit length, mask), 5 payload bytes
    expect(harness.record.end?.code).toBe(1007);
  });

  test("a fragmented text message that ends inside a sequence fails with 1007 at its last fragment", () => {
    const harness = serverReceives([
      frame({ opcode: TEXT, payload: bytesOf(0x61), fin: false }),
      frame({ opcode: CONTINUATION, payload: bytesOf(0xe2, 0x82) }),
    ]);
    expect(harness.record.end?.code).toBe(1007);
  });

  test("a valid multi-byte character split across fragments is accepted", () => {
    const euro = utf8("€");
    const harness = serverReceives([
      frame({ opcode: TEXT, payload: euro.subarray(0, 1), fin: false }),
      frame({ opcode: CONTINUATION, payload: euro.subarray(1, 2), fin: false }),
      frame({ opcode: CONTINUATION, payload: euro.subarray(2) }),
    ]);
    expect(harness.record.messages).toEqual(["€"]);
  });

  test("binary messages are not UTF-8 checked", () => {
    expect(serverReceives([frame({ opcode: 0x2, payload: bytesOf(0xff, 0xfe) })]).record.messages).toEqual([
      bytesOf(0xff, 0xfe),
    ]);
  });

  test("a close reason that is not UTF-8 fails with 1007", () => {
    const harness = serverReceives([frame({ opcode: CLOSE, payload: bytesOf(0x03, 0xe8, 0xc0, 0xaf) })]);
    expect(harness.record.end?.code).toBe(1007);
    expect(harness.sentCloseCode()).toBe(1007);
  });

  test("the incremental validator rejects at the first impossible byte and accepts split valid text", () => {
    const validator = new Utf8Validator();
    expect(validator.push(bytesOf(0xce))).toBe(true);
    expect(validator.push(bytesOf(0xba))).toBe(true);
    expect(validator.end()).toBe(true);
    expect(validator.push(bytesOf(0xe0))).toBe(true);
    expect(validator.push(bytesOf(0x80))).toBe(false); // E0 80 is overlong
  });
});
