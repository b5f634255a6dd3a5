// Same lines as split2 and Node readline (crlfDelay: Infinity) on a corpus of the usual awkward cases.
import * as readline from "node:readline";
import { Readable } from "node:stream";
import split2 from "split2";
import { describe, expect, it } from "vitest";
import { newline } from "../src/index.ts";
import { chunked, decode, utf8 } from "./helpers.ts";

// CRLF and LF mixed, empty lines (LF and CRLF), 2/3/4-byte UTF-8, a BOM, a long line, and no final newline.
// No lone CR: readline treats one as a line break, split2 and this package (and NDJSON) do not.
const CORPUS = utf8(
  `\uFEFFfirst line\r\nsecond\n\n\r\nünïcödé ✓ 日本 😀\r\n${"long ".repeat(3000)}\n\ttabs\tand  spaces  \nlast line without newline`,
);
const CHUNK_SIZES = [1, 2, 3, 5, 64, 1000, 65536];

async function viaSplit2(chunks: Uint8Array[]): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of Readable.from(chunks.map((c) => Buffer.from(c))).pipe(split2())) lines.push(line);
  return lines;
}

async function viaReadline(chunks: Uint8Array[]): Promise<string[]> {
  const input = Readable.from(chunks.map((c) => Buffer.from(c)));
  const lines: string[] = [];
  for await (const line of readline.createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) lines.push(line);
  return lines;
}

describe("interop with split2 and readline", () => {
  it("gives the same lines as split2 at every chunk size (BOM kept, as split2 keeps it)", async () => {
    for (const size of CHUNK_SIZES) {
      const chunks = chunked(CORPUS, size);
      expect(decode(newline({ stripBom: false }), chunks).messages).toEqual(await viaSplit2(chunks));
    }
  });

  it("gives the same lines as readline with crlfDelay: Infinity at every chunk size", async () => {
    for (const size of CHUNK_SIZES) {
      const chunks = chunked(CORPUS, size);
      expect(decode(newline({ stripBom: false }), chunks).messages).toEqual(await viaReadline(chunks));
    }
  });

  it("by default differs only by dropping the BOM from the first line", async () => {
    const theirs = await viaSplit2([CORPUS]);
    const ours = decode(newline(), [CORPUS]).messages;
    expect(theirs[0]).toBe("\uFEFFfirst line");
    expect(ours).toEqual([theirs[0].slice(1), ...theirs.slice(1)]);
  });
});
