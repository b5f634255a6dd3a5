// The shared option vocabulary in length-prefix: oversize "skip" (as in newline) with "discard" as its deprecated
// alias, and the error class for each kind of bad option.
import { decodeChunks, encodeMessages } from "@framed/core/testing";
import { describe, expect, it } from "vitest";
import { type LengthPrefixOptions, lengthPrefix } from "../src/index.ts";

const bytes = (...values: number[]) => Uint8Array.from(values);

function decodeAroundOversized(oversize: LengthPrefixOptions["oversize"]) {
  const big = encodeMessages(lengthPrefix(), [new Uint8Array(10).fill(9)]);
  const after = encodeMessages(lengthPrefix(), [bytes(5)]);
  return decodeChunks(lengthPrefix({ maxMessageSize: 4, oversize }), [big.subarray(0, 6), big.subarray(6), after]);
}

describe("oversize", () => {
  it('"skip" drops the oversized message with one warning and delivers the next', () => {
    const record = decodeAroundOversized("skip");
    expect(record.warnings.map((w) => w.code)).toEqual(["MESSAGE_TOO_LARGE"]);
    expect(record.messages).toEqual([bytes(5)]);
    expect(record.end).toEqual({});
  });

  it('the deprecated "discard" still behaves exactly as "skip"', () => {
    expect(decodeAroundOversized("discard")).toEqual(decodeAroundOversized("skip"));
  });
});

describe("bad options", () => {
  it("an unknown choice or clashing options are TypeErrors, a number out of range a RangeError", () => {
    expect(() => lengthPrefix({ oversize: "drop" as never })).toThrow(TypeError);
    expect(() => lengthPrefix({ header: "uint12" as never })).toThrow(TypeError);
    expect(() => lengthPrefix({ lengthIncludesHeader: true, lengthAdjustment: 1 })).toThrow(TypeError);
    expect(() => lengthPrefix({ header: "varint", lengthIncludesHeader: true })).toThrow(TypeError);
    expect(() => lengthPrefix({ maxMessageSize: -1 })).toThrow(RangeError);
  });
});
