// Wire compatibility, both ways, with it-length-prefixed (libp2p) and length-prefixed-stream (varint headers).
import { concatBytes, decodeChunks, encodeMessages } from "@framed/core/testing";
import * as lp from "it-length-prefixed";
// @ts-expect-error: length-prefixed-stream ships no types
import lpstream from "length-prefixed-stream";
import { describe, expect, it } from "vitest";
import { lengthPrefix } from "../src/index.ts";

const messages = [
  new Uint8Array(0),
  Uint8Array.of(1, 2, 3),
  new Uint8Array(300).fill(7),
  new Uint8Array(100_000).fill(9),
];
const varint = lengthPrefix({ header: "varint" });

async function collectAsync<T>(source: AsyncIterable<T> | Iterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

describe("it-length-prefixed", () => {
  it("bytes encoded by it-length-prefixed decode here, in any chunking", async () => {
    const wire = concatBytes(await collectAsync(lp.encode(messages)));
    const record = decodeChunks(varint, [wire.subarray(0, 7), wire.subarray(7, 400), wire.subarray(400)]);
    expect(record.end).toEqual({});
    expect(record.messages.map((m) => Buffer.from(m).toString("hex"))).toEqual(
      messages.map((m) => Buffer.from(m).toString("hex")),
    );
  });

  it("bytes encoded here decode with it-length-prefixed", async () => {
    const wire = encodeMessages(varint, messages);
    const decoded = await collectAsync(lp.decode([wire.subarray(0, 5), wire.subarray(5)]));
    // it-length-prefixed yields Uint8ArrayList objects; subarray() joins one into a Uint8Array.
    const joined = decoded.map((list) => (list as unknown as { subarray(): Uint8Array }).subarray());
    expect(joined.map((m) => Buffer.from(m).toString("hex"))).toEqual(
      messages.map((m) => Buffer.from(m).toString("hex")),
    );
  });
});

describe("length-prefixed-stream", () => {
  it("bytes encoded by length-prefixed-stream decode here", async () => {
    const encoder = lpstream.encode();
    const chunks: Uint8Array[] = [];
    encoder.on("data", (chunk: Uint8Array) => chunks.push(chunk));
    for (const message of messages) encoder.write(Buffer.from(message));
    await new Promise((resolve) => encoder.end(resolve));
    const record = decodeChunks(varint, chunks);
    expect(record.messages.map((m) => Buffer.from(m).toString("hex"))).toEqual(
      messages.map((m) => Buffer.from(m).toString("hex")),
    );
  });

  it("bytes encoded here decode with length-prefixed-stream (which drops empty messages)", async () => {
    const decoder = lpstream.decode();
    const decoded: Uint8Array[] = [];
    decoder.on("data", (chunk: Uint8Array) => decoded.push(Uint8Array.from(chunk)));
    const wire = encodeMessages(varint, messages);
    decoder.write(Buffer.from(wire.subarray(0, 100)));
    decoder.write(Buffer.from(wire.subarray(100)));
    await new Promise((resolve) => decoder.end(resolve));
    const nonEmpty = messages.filter((m) => m.length > 0);
    expect(decoded.map((m) => Buffer.from(m).toString("hex"))).toEqual(
      nonEmpty.map((m) => Buffer.from(m).toString("hex")),
    );
  });
});
