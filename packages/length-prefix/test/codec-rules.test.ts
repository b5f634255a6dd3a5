// Rules of the length-prefix codec: limits before buffering, discard mode, truncation, zero-copy, encoder refusals.
import { FramedError } from "@framed/core";
import { checkConformance, checkRandomSplits, decodeChunks, encodeMessages, openRecorded } from "@framed/core/testing";
import { describe, expect, it } from "vitest";
import { HEADER_KINDS, lengthPrefix } from "../src/index.ts";

const bytes = (...values: number[]) => Uint8Array.from(values);

describe("limits", () => {
  it("a declared length over maxMessageSize fails at once with MESSAGE_TOO_LARGE, before any body byte arrives", () => {
    const { session, record } = openRecorded(lengthPrefix({ maxMessageSize: 100 }));
    session.receive(bytes(0, 0, 0, 101));
    expect(record.end?.error?.code).toBe("MESSAGE_TOO_LARGE");
    expect(record.end?.error?.message).toBe("length-prefix: message 1 declares 101 bytes, over maxMessageSize 100");
  });

  it("a declared 2^40-byte length fails at once without allocating it", () => {
    const { session, record } = openRecorded(lengthPrefix({ header: "uint64be" }));
    session.receive(bytes(0, 0, 1, 0, 0, 0, 0, 0));
    expect(record.end?.error?.code).toBe("MESSAGE_TOO_LARGE");
  });

  it.each([
    ["an HTTP request", "GET /chat HTTP/1.1\r\nHost: x\r\n\r\n", "GET /chat HTTP/1.1"],
    ["an HTTP response", "HTTP/1.1 200 OK\r\n\r\n", "HTTP/1.1 200 OK"],
  ])("%s where the first header was expected fails with PROTOCOL_ERROR saying it looks like HTTP", (_, text, line) => {
    const { session, record } = openRecorded(lengthPrefix());
    session.receive(new TextEncoder().encode(text));
    expect(record.end?.error?.code).toBe("PROTOCOL_ERROR");
    expect(record.end?.error?.message).toBe(
      `length-prefix: the peer sent "${line}", which looks like HTTP (a browser, curl or a WebSocket client?): this end speaks length-prefix framing with a uint32be header`,
    );
  });

  it("HTTP-looking bytes after the first message are only an oversized message", () => {
    const wire = encodeMessages(lengthPrefix(), [bytes(1)]);
    const record = decodeChunks(lengthPrefix(), [wire, new TextEncoder().encode("GET / HTTP/1.1\r\n")]);
    expect(record.end?.error?.code).toBe("MESSAGE_TOO_LARGE");
  });

  it("messages before an oversized one are delivered", () => {
    const wire = encodeMessages(lengthPrefix(), [bytes(1), bytes(2, 2)]);
    const record = decodeChunks(lengthPrefix({ maxMessageSize: 4 }), [wire, bytes(0, 0, 0, 9)]);
    expect(record.messages).toEqual([bytes(1), bytes(2, 2)]);
    expect(record.end?.error?.code).toBe("MESSAGE_TOO_LARGE");
    expect(record.end?.error?.messageNumber).toBe(3);
  });

  it("discard mode skips exactly the declared bytes across chunks, reports once and stays in sync", () => {
    const framing = lengthPrefix({ maxMessageSize: 4, oversize: "discard" });
    const big = encodeMessages(lengthPrefix(), [new Uint8Array(10).fill(9)]);
    const after = encodeMessages(lengthPrefix(), [bytes(5), bytes(6, 6)]);
    const record = decodeChunks(framing, [big.subarray(0, 3), big.subarray(3, 8), big.subarray(8), after]);
    expect(record.warnings.map((w) => w.code)).toEqual(["MESSAGE_TOO_LARGE"]);
    expect(record.messages).toEqual([bytes(5), bytes(6, 6)]);
    expect(record.end).toEqual({});
  });

  it("an over-limit send is refused with MESSAGE_TOO_LARGE and writes nothing", () => {
    const { session, record } = openRecorded(lengthPrefix({ maxMessageSize: 2 }));
    expect(() => session.send(bytes(1, 2, 3))).toThrow(expect.objectContaining({ code: "MESSAGE_TOO_LARGE" }));
    expect(record.writes).toEqual([]);
  });
});

describe("bad input", () => {
  it("a negative adjusted length fails with INVALID_FRAME naming the field and adjustment", () => {
    const record = decodeChunks(lengthPrefix({ header: "uint8", lengthAdjustment: -5 }), [bytes(2, 0, 0)]);
    expect(record.end?.error?.code).toBe("INVALID_FRAME");
    expect(record.end?.error?.message).toContain("length field 2 with lengthAdjustment -5");
  });

  it("EOF inside a body is TRUNCATED, reported once, saying how much arrived", () => {
    const record = decodeChunks(lengthPrefix(), [bytes(0, 0, 0, 5, 1, 2)]);
    expect(record.end?.error?.code).toBe("TRUNCATED");
    expect(record.end?.error?.message).toContain("6 of 9 frame bytes");
  });

  it("EOF inside a header is TRUNCATED", () => {
    const record = decodeChunks(lengthPrefix(), [bytes(0, 0)]);
    expect(record.end?.error?.message).toContain("inside the header of message 1");
  });

  it("input after the session ended is ignored", () => {
    const { session, record } = openRecorded(lengthPrefix({ maxMessageSize: 1 }));
    session.receive(bytes(0, 0, 0, 2));
    session.receive(bytes(0, 0, 0, 1, 1));
    session.receiveEnd();
    expect(record.messages).toEqual([]);
    expect(record.end?.error?.code).toBe("MESSAGE_TOO_LARGE");
  });
});

describe("messages", () => {
  it("empty messages are valid both ways", () => {
    const wire = encodeMessages(lengthPrefix({ header: "varint" }), [new Uint8Array(0), new Uint8Array(0)]);
    expect([...wire]).toEqual([0, 0]);
    expect(decodeChunks(lengthPrefix({ header: "varint" }), [wire]).messages).toEqual([
      new Uint8Array(0),
      new Uint8Array(0),
    ]);
  });

  it("a message inside one chunk is a zero-copy view of that chunk", () => {
    const wire = encodeMessages(lengthPrefix(), [bytes(1, 2, 3), bytes(4)]);
    const record = decodeChunks(lengthPrefix(), [wire]);
    expect(record.messages[0].buffer).toBe(wire.buffer);
    expect(record.messages[1].byteOffset).toBe(wire.byteOffset + 11);
  });

  it("a message spanning chunks is copied once into its own buffer", () => {
    const wire = encodeMessages(lengthPrefix(), [bytes(1, 2, 3, 4)]);
    const record = decodeChunks(lengthPrefix(), [wire.subarray(0, 5), wire.subarray(5)]);
    expect(record.messages).toEqual([bytes(1, 2, 3, 4)]);
    expect(record.messages[0].buffer).not.toBe(wire.buffer);
  });

  it("strings are sent as UTF-8 (what asText relies on)", () => {
    expect([...encodeMessages(lengthPrefix({ header: "uint8" }), ["é"] as unknown as Uint8Array[])]).toEqual([
      2, 0xc3, 0xa9,
    ]);
  });

  it("a message that is neither bytes nor a string is refused with INVALID_MESSAGE naming its type", () => {
    const { session } = openRecorded(lengthPrefix());
    expect(() => session.send(42 as unknown as Uint8Array)).toThrow(
      expect.objectContaining({ code: "INVALID_MESSAGE", message: expect.stringContaining("got number") }),
    );
  });

  it("a length that does not fit the header is refused with INVALID_MESSAGE", () => {
    const { session } = openRecorded(lengthPrefix({ header: "uint8" }));
    expect(() => session.send(new Uint8Array(256))).toThrow(
      expect.objectContaining({ code: "INVALID_MESSAGE", message: expect.stringContaining("uint8") }),
    );
  });

  it("a decode-only geometry (an offset) refuses to encode with a clear error", () => {
    const { session } = openRecorded(lengthPrefix({ lengthFieldOffset: 2 }));
    expect(() => session.send(bytes(1))).toThrow(FramedError);
    expect(() => session.send(bytes(1))).toThrow(/lengthFieldOffset 2 can decode but not encode/);
  });

  it("bad options are refused when the framing is made, naming the option", () => {
    expect(() => lengthPrefix({ header: "uint12" as never })).toThrow(/header must be one of/);
    expect(() => lengthPrefix({ maxMessageSize: -1 })).toThrow(/maxMessageSize/);
    expect(() => lengthPrefix({ header: "varint", lengthIncludesHeader: true })).toThrow(/fixed-size header/);
    expect(() => lengthPrefix({ oversize: "drop" as never })).toThrow(/oversize must be one of "error", "skip"/);
  });
});

describe("conformance kit", () => {
  const messages = [
    new Uint8Array(0),
    Uint8Array.of(1),
    new Uint8Array(200).fill(0xab),
    new Uint8Array(70_000).fill(3),
  ];
  for (const header of HEADER_KINDS) {
    const fits =
      header === "uint8" ? messages.slice(0, 3) : header.startsWith("uint16") ? messages.slice(0, 3) : messages;
    it(`${header}: every split, random splits and random bytes`, () => {
      checkConformance(
        { framing: lengthPrefix({ header }), messages: fits.filter((m) => m.length < 300) },
        { numRuns: 150 },
      );
      checkRandomSplits({ framing: lengthPrefix({ header }), messages: fits }, { numRuns: 20 });
    });
  }

  it("random bytes under a small limit end in messages or a FramedError (discard mode)", () => {
    checkConformance(
      {
        framing: lengthPrefix({ header: "varint", maxMessageSize: 8, oversize: "discard" }),
        messages: [Uint8Array.of(1, 2)],
      },
      { numRuns: 300 },
    );
  });
});
