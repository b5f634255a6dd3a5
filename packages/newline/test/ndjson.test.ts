// NDJSON decoding: values, empty lines, invalid JSON, and a round trip with the `ndjson` package.
import { Readable } from "node:stream";
import { encodeMessages } from "@framed/core/testing";
import ndjsonPackage from "ndjson";
import { describe, expect, it } from "vitest";
import { ndjson } from "../src/index.ts";
import { chunked, decode, utf8 } from "./helpers.ts";

const VALUES: unknown[] = [
  { id: 1, method: "ping" },
  { nested: { list: [1, 2, { deep: "é✓😀" }] }, escaped: "line\nbreak\r\u2028" },
  [],
  "plain string",
  -0.5,
  false,
  { big: "x".repeat(5000) },
];

describe("NDJSON decoding", () => {
  it("decodes one JSON value per line, LF or CRLF, BOM stripped", () => {
    const record = decode(ndjson(), '\uFEFF{"a":1}\r\n[2]\n"three"\nnull\n');
    expect(record.messages).toEqual([{ a: 1 }, [2], "three", null]);
  });

  it("reports each value's size as the length of its line, which the stream counts against readableHighWaterMark", () => {
    const sizes: Array<number | undefined> = [];
    const session = ndjson().open(
      { message: (_m, size) => sizes.push(size), write() {}, warn() {}, end() {} },
      { role: "server" },
    );
    session.receive(utf8('{"a":1}\n[1,2,3,4]\r\n'));
    expect(sizes).toEqual([7, 9]);
  });

  it("skips empty lines by default, as the ndjson package does", () => {
    expect(decode(ndjson(), '\n{"a":1}\n\r\n\n2\n').messages).toEqual([{ a: 1 }, 2]);
  });

  it("skipEmpty: false makes an empty line an INVALID_JSON error", () => {
    const record = decode(ndjson({ skipEmpty: false }), "1\n\n2\n");
    expect(record.messages).toEqual([1]);
    expect(record.end?.error).toMatchObject({ code: "INVALID_JSON", messageNumber: 2 });
  });

  it("a line that is not JSON ends the stream with INVALID_JSON and its line number, after earlier values", () => {
    const record = decode(ndjson(), '{"ok":1}\n\n{"ok":2}\n{oops}\n{"never":3}\n');
    expect(record.messages).toEqual([{ ok: 1 }, { ok: 2 }]);
    expect(record.end?.error).toMatchObject({ code: "INVALID_JSON", messageNumber: 4 });
    expect(record.end?.error?.message).toMatch(/^line 4 is not JSON/);
  });

  it('invalidJson: "skip" reports each bad line as a warning and keeps the good ones', () => {
    const record = decode(ndjson({ invalidJson: "skip" }), '1\nnope\n2\n{"unterminated":\n3\n');
    expect(record.messages).toEqual([1, 2, 3]);
    expect(record.warnings.map((w) => [w.code, w.messageNumber])).toEqual([
      ["INVALID_JSON", 2],
      ["INVALID_JSON", 4],
    ]);
    expect(record.end).toEqual({});
  });

  it("names the right line for a bad line carried across chunks", () => {
    const record = decode(ndjson(), chunked(utf8("1\n2\n[3,\n4\n"), 3));
    expect(record.messages).toEqual([1, 2]);
    expect(record.end?.error?.messageNumber).toBe(3);
  });

  it("reads whitespace around a value as JSON does", () => {
    expect(decode(ndjson(), '  {"a": 1}  \n\t2\n').messages).toEqual([{ a: 1 }, 2]);
  });
});

// The ndjson package is an object-mode stream, so it cannot carry a top-level `null` (it means end of
// stream there); the interop corpus leaves it out. `null` lines are covered above.
describe("NDJSON interop with the ndjson package", () => {
  it("decodes what ndjson.stringify writes", async () => {
    const serializer = ndjsonPackage.stringify();
    const parts: Buffer[] = [];
    serializer.on("data", (chunk: Buffer | string) => parts.push(Buffer.from(chunk)));
    const finished = new Promise((resolve) => serializer.on("end", resolve));
    for (const value of VALUES) serializer.write(value);
    serializer.end();
    await finished;
    const written = new Uint8Array(Buffer.concat(parts));
    for (const size of [1, 7, 4096]) {
      expect(decode(ndjson(), chunked(written, size)).messages).toEqual(VALUES);
    }
  });

  it("writes what ndjson.parse reads back", async () => {
    const encoded = encodeMessages(ndjson(), VALUES);
    const parser = Readable.from(chunked(Buffer.from(encoded), 5)).pipe(ndjsonPackage.parse({ strict: true }));
    const parsed: unknown[] = [];
    for await (const value of parser) parsed.push(value);
    expect(parsed).toEqual(VALUES);
  });
});
