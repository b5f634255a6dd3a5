// The encoders: what each framing writes, and what it refuses to send.
import { encodeMessages, openRecorded } from "@framed/core/testing";
import { describe, expect, it } from "vitest";
import { ndjson, newline, newlineBytes } from "../src/index.ts";
import { bytes, utf8 } from "./helpers.ts";

describe("encoding lines", () => {
  it('newline writes UTF-8 text + "\\n"', () => {
    expect(encodeMessages(newline(), ["a", "", "é"])).toEqual(utf8("a\n\né\n"));
  });

  it("writes the configured delimiter (strict CRLF, multi-byte, bytes)", () => {
    expect(encodeMessages(newline({ delimiter: "\r\n" }), ["a", "b"])).toEqual(utf8("a\r\nb\r\n"));
    expect(encodeMessages(newlineBytes({ delimiter: new Uint8Array([0xff, 0x00]) }), [bytes("x")])).toEqual(
      bytes("x", 0xff, 0x00),
    );
    expect(encodeMessages(newline({ delimiter: new Uint8Array([0xff]) }), ["é"])).toEqual(bytes("é", 0xff));
  });

  it("refuses a message containing the delimiter with INVALID_MESSAGE", () => {
    const { session, record } = openRecorded(newline());
    expect(() => session.send("two\nlines")).toThrow(expect.objectContaining({ code: "INVALID_MESSAGE" }));
    expect(() => openRecorded(newlineBytes()).session.send(bytes("a\nb"))).toThrow(/containing the delimiter "\\n"/);
    expect(record.writes).toEqual([]);
  });

  it("refuses a message ending in CR when the reader would strip it", () => {
    expect(() => openRecorded(newline()).session.send("a\r")).toThrow(/ending in CR/);
    expect(() => openRecorded(newlineBytes()).session.send(bytes("a\r"))).toThrow(/ending in CR/);
    expect(encodeMessages(newline({ stripCR: false }), ["a\r"])).toEqual(utf8("a\r\n"));
  });

  it('refuses a message whose end runs into a self-overlapping delimiter ("a-" before "--")', () => {
    expect(() => openRecorded(newline({ delimiter: "--" })).session.send("a-")).toThrow(/delimiter/);
    expect(() => openRecorded(newlineBytes({ delimiter: "--" })).session.send(utf8("a-"))).toThrow(/delimiter/);
    expect(encodeMessages(newline({ delimiter: "--" }), ["-a"])).toEqual(utf8("-a--"));
  });

  it("allowDelimiter: true sends such messages as they are", () => {
    expect(encodeMessages(newline({ allowDelimiter: true }), ["a\nb"])).toEqual(utf8("a\nb\n"));
    expect(encodeMessages(newlineBytes({ allowDelimiter: true }), [bytes("a\r")])).toEqual(utf8("a\r\n"));
  });

  it("refuses a message over maxMessageSize bytes with MESSAGE_TOO_LARGE (counted in UTF-8 bytes)", () => {
    const { session } = openRecorded(newline({ maxMessageSize: 4 }));
    session.send("abcd");
    expect(() => session.send("abcde")).toThrow(expect.objectContaining({ code: "MESSAGE_TOO_LARGE" }));
    expect(() => session.send("ééé")).toThrow(expect.objectContaining({ code: "MESSAGE_TOO_LARGE" }));
    expect(() => openRecorded(newlineBytes({ maxMessageSize: 1 })).session.send(bytes("ab"))).toThrow(/maxMessageSize/);
  });

  it("refuses the wrong message type with INVALID_MESSAGE", () => {
    expect(() => openRecorded(newline()).session.send(42 as never)).toThrow(/newline sends strings, got a number/);
    expect(() => openRecorded(newlineBytes()).session.send("x" as never)).toThrow(/Uint8Array/);
  });
});

describe("encoding NDJSON", () => {
  it('writes JSON.stringify(value) + "\\n" for every JSON value, never os.EOL', () => {
    const values = [{ a: 1 }, [1, "two"], "text\nwith newline", 3.5, null, true];
    const expected = values.map((v) => `${JSON.stringify(v)}\n`).join("");
    expect(encodeMessages(ndjson(), values)).toEqual(utf8(expected));
  });

  it("refuses values JSON cannot represent (undefined, functions, BigInt, cycles) with INVALID_MESSAGE", () => {
    const { session } = openRecorded(ndjson());
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const value of [undefined, () => 1, 10n, cyclic]) {
      expect(() => session.send(value)).toThrow(expect.objectContaining({ code: "INVALID_MESSAGE" }));
    }
  });

  it("checks a printable custom delimiter against the JSON text", () => {
    const { session } = openRecorded(ndjson({ delimiter: "|" }));
    expect(() => session.send({ a: "x|y" })).toThrow(/delimiter/);
    expect(encodeMessages(ndjson({ delimiter: "|" }), [{ a: 1 }])).toEqual(utf8('{"a":1}|'));
  });
});
