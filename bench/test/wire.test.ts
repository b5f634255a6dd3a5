// The load client's wire helpers: pre-encoded frames decode with our codecs, and the header-only reply
// counter counts the same messages however the replies are chunked.
import { decodeChunks } from "@framed/core/testing";
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

describe("bench wire helpers", () => {
  for (const { kind, framing } of kinds) {
    it(`${kind}: frames of 0, 64, 200 and 70,000 bytes decode with our framing`, () => {
      for (const size of [kind === "newline" ? 1 : 0, 64, 200, 70_000]) {
        const record = decodeChunks(framing(), [encodeFrame(kind, size)], { end: false });
        expect(record.end?.error).toBeUndefined();
        expect(record.messages).toHaveLength(1);
        expect(record.messages[0].length).toBe(size);
      }
    });

    it(`${kind}: the reply counter counts every message at any chunking`, () => {
      const stream = Buffer.concat([64, 126, 70_000, 5].map((size) => encodeFrame(kind, size)));
      for (const piece of [1, 3, 64, 1000, stream.length]) {
        const count = replyCounter(kind);
        let total = 0;
        for (let i = 0; i < stream.length; i += piece) total += count(stream.subarray(i, i + piece));
        expect(total).toBe(4);
      }
    });
  }
});
