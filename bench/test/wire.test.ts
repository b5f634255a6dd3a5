// The load client's wire helpers: pre-encoded frames decode with our codecs, and the header-only reply
// counter counts the same messages however the replies are chunked.
import { decodeChunks, encodeMessages } from "@framed/core/testing";
import { lengthPrefix } from "@framed/length-prefix";
import { newline } from "@framed/newline";
import { websocketFraming } from "@framed/websocket";
import { describe, expect, it } from "vitest";
// @ts-expect-error: plain .mjs module without types
import { encodeFrame, replyCounter } from "../src/wire.mjs";

const kinds = [
  { kind: "lp-varint", framing: () => lengthPrefix({ header: "varint" }) },
  { kind: "lp-u32", framing: () => lengthPrefix() },
  { kind: "newline", framing: () => newline() },
  { kind: "ws", framing: () => websocketFraming() },
] as const;

function countInPieces(kind: string, stream: Uint8Array, piece: number): number {
  const count = replyCounter(kind);
  let total = 0;
  for (let i = 0; i < stream.length; i += piece) total += count(stream.subarray(i, i + piece));
  return total;
}

const pieces = [1, 2, 3, 7, 64, 1000, 100_000];

describe("bench wire helpers", () => {
  for (const { kind, framing } of kinds) {
    it(`${kind}: request frames of 0, 64, 200 and 70,000 bytes decode with our framing`, () => {
      for (const size of [kind === "newline" ? 1 : 0, 64, 200, 70_000]) {
        const record = decodeChunks(framing(), [encodeFrame(kind, size)], { end: false });
        expect(record.end?.error).toBeUndefined();
        expect(record.messages).toHaveLength(1);
        expect(record.messages[0].length).toBe(size);
      }
    });

    it(`${kind}: the reply counter counts every echoed request frame at any chunking`, () => {
      const stream = Buffer.concat([64, 126, 70_000, 5].map((size) => encodeFrame(kind, size)));
      for (const piece of pieces) expect(countInPieces(kind, stream, piece)).toBe(4);
    });
  }

  it("ws: the reply counter counts a server's unmasked frames (7-, 16- and 64-bit lengths) at any chunking", () => {
    const payloads = [0, 64, 125, 126, 65_535, 70_000].map((size) => new Uint8Array(size).fill(1));
    const stream = encodeMessages(websocketFraming(), payloads, "server");
    for (const piece of pieces) expect(countInPieces("ws", stream, piece)).toBe(payloads.length);
  });

  it("ws: a fragmented message counts once, at its FIN frame, and a ping between fragments not at all", () => {
    const frames = Buffer.concat([
      Buffer.of(0x02, 3, 1, 2, 3), // binary, no FIN
      Buffer.of(0x89, 1, 9), // ping
      Buffer.of(0x80, 2, 4, 5), // continuation with FIN
    ]);
    for (const piece of pieces) expect(countInPieces("ws", frames, piece)).toBe(1);
  });

  it("ws: a close frame from the server is an error, not a silent stall", () => {
    expect(() => replyCounter("ws")(Buffer.of(0x88, 2, 0x03, 0xe8))).toThrow(/close frame/);
  });

  it("lp-varint: a reply header longer than 10 bytes is an error", () => {
    expect(() => replyCounter("lp-varint")(Buffer.alloc(12, 0x80))).toThrow(/longer than 10 bytes/);
  });
});
