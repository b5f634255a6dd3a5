// The length-prefix codec against hand-written wire vectors, including Netty's documented geometries.
import { decodeChunks, encodeMessages } from "@framed/core/testing";
import { describe, expect, it } from "vitest";
import { type LengthPrefixOptions, lengthPrefix } from "../src/index.ts";

const hex = (text: string) => Uint8Array.from(text.match(/[0-9a-f]{2}/gi) ?? [], (h) => Number.parseInt(h, 16));
const ascii = (text: string) => new TextEncoder().encode(text);
const toHex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join(" ");

function decodeOne(options: LengthPrefixOptions, wire: Uint8Array): Uint8Array {
  const record = decodeChunks(lengthPrefix(options), [wire]);
  expect(record.end?.error).toBeUndefined();
  expect(record.messages).toHaveLength(1);
  return record.messages[0];
}

describe("fixed-width headers", () => {
  const payload = hex("aabbcc");
  const vectors: Array<[LengthPrefixOptions["header"], string]> = [
    ["uint8", "03"],
    ["uint16be", "00 03"],
    ["uint16le", "03 00"],
    ["uint24be", "00 00 03"],
    ["uint24le", "03 00 00"],
    ["uint32be", "00 00 00 03"],
    ["uint32le", "03 00 00 00"],
    ["uint64be", "00 00 00 00 00 00 00 03"],
    ["uint64le", "03 00 00 00 00 00 00 00"],
  ];
  for (const [header, headerHex] of vectors) {
    it(`${header} writes the length as ${headerHex} and reads it back`, () => {
      const wire = encodeMessages(lengthPrefix({ header }), [payload]);
      expect(toHex(wire)).toBe(`${headerHex} aa bb cc`);
      expect(decodeOne({ header }, wire)).toEqual(payload);
    });
  }

  it("the default header is a 4-byte big-endian length of the payload", () => {
    expect(toHex(encodeMessages(lengthPrefix(), [hex("01")]))).toBe("00 00 00 01 01");
  });

  it("a uint64 length above 2^53 is refused as too large", () => {
    const record = decodeChunks(lengthPrefix({ header: "uint64be" }), [hex("00 40 00 00 00 00 00 00")]);
    expect(record.end?.error?.code).toBe("MESSAGE_TOO_LARGE");
    expect(record.end?.error?.message).toContain("more than 2^53 bytes");
  });
});

describe("varint headers", () => {
  const vectors: Array<[number, string]> = [
    [0, "00"],
    [1, "01"],
    [127, "7f"],
    [128, "80 01"],
    [300, "ac 02"],
    [16_384, "80 80 01"],
  ];
  for (const [length, headerHex] of vectors) {
    it(`a ${length}-byte message has the varint header ${headerHex}`, () => {
      const payload = new Uint8Array(length).fill(7);
      const wire = encodeMessages(lengthPrefix({ header: "varint" }), [payload]);
      expect(toHex(wire.subarray(0, wire.length - length))).toBe(headerHex);
      expect(decodeOne({ header: "varint" }, wire)).toEqual(payload);
    });
  }

  it("a non-minimal varint (80 00) fails with INVALID_FRAME naming it", () => {
    const record = decodeChunks(lengthPrefix({ header: "varint" }), [hex("80 00")]);
    expect(record.end?.error?.code).toBe("INVALID_FRAME");
    expect(record.end?.error?.message).toContain("non-minimal varint");
  });

  it("a 10-byte varint with high bits in its last byte fails with INVALID_FRAME", () => {
    const record = decodeChunks(lengthPrefix({ header: "varint" }), [hex("ff ff ff ff ff ff ff ff ff 02")]);
    expect(record.end?.error?.code).toBe("INVALID_FRAME");
    expect(record.end?.error?.message).toContain("64-bit limit");
  });

  it("a varint longer than 10 bytes fails with INVALID_FRAME", () => {
    const record = decodeChunks(lengthPrefix({ header: "varint" }), [hex("80 80 80 80 80 80 80 80 80 80 01")]);
    expect(record.end?.error?.code).toBe("INVALID_FRAME");
  });

  it("the largest 10-byte varint (2^64-1) is well formed but over any limit: MESSAGE_TOO_LARGE", () => {
    const record = decodeChunks(lengthPrefix({ header: "varint" }), [hex("ff ff ff ff ff ff ff ff ff 01")]);
    expect(record.end?.error?.code).toBe("MESSAGE_TOO_LARGE");
  });
});

// The seven examples of Netty's LengthFieldBasedFrameDecoder documentation ("HELLO, WORLD" is 12 bytes).
describe("Netty LengthFieldBasedFrameDecoder geometries", () => {
  const content = ascii("HELLO, WORLD");
  const join = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

  it("2-byte length at offset 0, strip nothing: the whole frame is the message", () => {
    const frame = join(hex("00 0c"), content);
    expect(decodeOne({ header: "uint16be", initialBytesToStrip: 0 }, frame)).toEqual(frame);
  });

  it("2-byte length at offset 0, strip the header: the content is the message", () => {
    expect(decodeOne({ header: "uint16be", initialBytesToStrip: 2 }, join(hex("00 0c"), content))).toEqual(content);
  });

  it("2-byte length that counts the header (adjustment -2), strip nothing", () => {
    const frame = join(hex("00 0e"), content);
    expect(decodeOne({ header: "uint16be", lengthAdjustment: -2, initialBytesToStrip: 0 }, frame)).toEqual(frame);
  });

  it("3-byte length after a 2-byte header (offset 2), strip nothing", () => {
    const frame = join(hex("ca fe"), hex("00 00 0c"), content);
    expect(decodeOne({ header: "uint24be", lengthFieldOffset: 2, initialBytesToStrip: 0 }, frame)).toEqual(frame);
  });

  it("3-byte length then a 2-byte header the length omits (adjustment 2), strip nothing", () => {
    const frame = join(hex("00 00 0c"), hex("ca fe"), content);
    expect(decodeOne({ header: "uint24be", lengthAdjustment: 2, initialBytesToStrip: 0 }, frame)).toEqual(frame);
  });

  it("offset 1, 2-byte length, adjustment 1, strip 3: HDR2 and the content remain", () => {
    const frame = join(hex("ca"), hex("00 0c"), hex("fe"), content);
    expect(
      decodeOne({ header: "uint16be", lengthFieldOffset: 1, lengthAdjustment: 1, initialBytesToStrip: 3 }, frame),
    ).toEqual(join(hex("fe"), content));
  });

  it("offset 1, 2-byte length of the whole frame (adjustment -3), strip 3", () => {
    const frame = join(hex("ca"), hex("00 10"), hex("fe"), content);
    expect(
      decodeOne({ header: "uint16be", lengthFieldOffset: 1, lengthAdjustment: -3, initialBytesToStrip: 3 }, frame),
    ).toEqual(join(hex("fe"), content));
  });

  it("lengthIncludesHeader encodes the header in the length and decodes it back", () => {
    const wire = encodeMessages(lengthPrefix({ header: "uint16be", lengthIncludesHeader: true }), [content]);
    expect(toHex(wire.subarray(0, 2))).toBe("00 0e");
    expect(decodeOne({ header: "uint16be", lengthIncludesHeader: true }, wire)).toEqual(content);
  });
});
