// Autobahn category 1 (framing): text and binary frames of every length class, length encodings, masking.
import { concatBytes } from "@framed/core/testing";
import { describe, expect, test } from "vitest";
import { websocketFraming } from "../../src/index.ts";
import { BINARY, bytesOf, CLOSE, frame, open, PING, serverReceives, TEXT, utf8 } from "./frames.ts";

const LENGTHS = [0, 1, 125, 126, 127, 128, 65535, 65536, 70_000];

describe("framing (Autobahn 1.x)", () => {
  test.each(LENGTHS)("a masked text frame of %i bytes arrives as the same string", (length) => {
    const text = "x".repeat(length);
    const { record } = serverReceives([frame({ opcode: TEXT, payload: text })]);
    expect(record.messages).toEqual([text]);
    expect(record.end).toBeUndefined();
  });

  test.each(LENGTHS)("a masked binary frame of %i bytes arrives as the same bytes", (length) => {
    const payload = Uint8Array.from({ length }, (_, i) => (i * 31) & 0xff);
    const { record } = serverReceives([frame({ opcode: BINARY, payload })]);
    expect(record.messages).toEqual([payload]);
  });

  test("text messages are strings and binary messages are Uint8Arrays", () => {
    const { record } = serverReceives([
      frame({ opcode: TEXT, payload: "κόσμε" }),
      frame({ opcode: BINARY, payload: bytesOf(1, 2) }),
    ]);
    expect(typeof record.messages[0]).toBe("string");
    expect(record.messages[1]).toBeInstanceOf(Uint8Array);
  });

  test("non-minimal length encodings are accepted on receive (16- and 64-bit lengths for short payloads)", () => {
    const { record } = serverReceives([
      frame({ opcode: TEXT, payload: "short", lengthBits: 16 }),
      frame({ opcode: BINARY, payload: bytesOf(9), lengthBits: 64 }),
    ]);
    expect(record.messages).toEqual(["short", bytesOf(9)]);
    expect(record.end).toBeUndefined();
  });

  test("a 64-bit length with its most significant bit set fails with 1002", () => {
    const bytes = frame({ opcode: BINARY, payload: new Uint8Array(0), lengthBits: 64, declaredLength: 0 });
    bytes[2] = 0x80; // top byte of the 64-bit length
    const harness = serverReceives([bytes]);
    expect(harness.record.end?.code).toBe(1002);
    expect(harness.record.end?.error?.code).toBe("INVALID_FRAME");
    expect(harness.sentCloseCode()).toBe(1002);
  });

  test.each([
    [0, 2],
    [125, 2],
    [126, 4],
    [65535, 4],
    [65536, 10],
  ])("sending %i bytes uses the minimal length encoding (%i-byte unmasked header)", (length, headerSize) => {
    const harness = open({}, "server");
    harness.session.send(new Uint8Array(length));
    const [written] = harness.written();
    expect(written.headerSize).toBe(headerSize);
    expect(written.payload.length).toBe(length);
    expect(written.fin).toBe(true);
    expect(written.masked).toBe(false);
  });

  test("a server writes a large payload untouched: the caller's own array, after a separate header", () => {
    const writes: Uint8Array[] = [];
    const session = websocketFraming().open(
      { message: () => {}, write: (bytes) => writes.push(bytes), warn: () => {}, end: () => {} },
      { role: "server" },
    );
    const payload = new Uint8Array(4096).fill(5);
    session.send(payload);
    expect(writes.length).toBe(2);
    expect(writes[0].length).toBe(4);
    expect(writes[1]).toBe(payload);
  });

  test("a client masks every frame it sends and leaves the caller's bytes unchanged", () => {
    const harness = open({}, "client");
    const payload = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    const copy = payload.slice();
    harness.session.send(payload);
    harness.session.send("hello");
    harness.session.ping(bytesOf(1, 2, 3));
    const frames = harness.written();
    expect(frames.every((f) => f.masked)).toBe(true);
    expect(frames[0].payload).toEqual(copy);
    expect(frames[1].payload).toEqual(utf8("hello"));
    expect(payload).toEqual(copy);
    // The masked bytes on the wire are not the plain payload.
    expect(concatBytes(harness.record.writes).subarray(8, 8 + 16)).not.toEqual(copy.subarray(0, 16));
  });

  test("a client draws a fresh masking key for each frame", () => {
    const harness = open({}, "client");
    for (let i = 0; i < 4; i++) harness.session.send(bytesOf(0, 0, 0, 0));
    const keys = harness.record.writes.map((w) => Array.from(w.subarray(2, 6)).join(","));
    expect(new Set(keys).size).toBe(4);
  });

  test("a server refuses an unmasked frame from a client with 1002", () => {
    const harness = serverReceives([frame({ opcode: TEXT, payload: "hi", mask: false })]);
    expect(harness.record.messages).toEqual([]);
    expect(harness.record.end?.code).toBe(1002);
    expect(harness.record.end?.error?.code).toBe("PROTOCOL_ERROR");
    expect(harness.sentCloseCode()).toBe(1002);
  });

  test("a client refuses a masked frame from a server with 1002", () => {
    const harness = open({}, "client");
    harness.session.receive(frame({ opcode: TEXT, payload: "hi", mask: true }));
    expect(harness.record.end?.code).toBe(1002);
    expect(harness.sentCloseCode()).toBe(1002);
  });

  test("a client accepts unmasked frames and hands binary payloads out as views of the received chunk", () => {
    const harness = open({}, "client");
    const chunk = concatBytes([
      frame({ opcode: BINARY, payload: bytesOf(1, 2, 3), mask: false }),
      frame({ opcode: TEXT, payload: "ok", mask: false }),
    ]);
    harness.session.receive(chunk);
    const [binary, text] = harness.record.messages as [Uint8Array, string];
    expect(binary).toEqual(bytesOf(1, 2, 3));
    expect(binary.buffer).toBe(chunk.buffer);
    expect(text).toBe("ok");
  });

  test("with unmaskInPlace: false a server never changes the chunks it receives (it unmasks into its own copy)", () => {
    const chunk = frame({ opcode: BINARY, payload: Uint8Array.from({ length: 200 }, (_, i) => i) });
    const before = chunk.slice();
    const harness = open({ unmaskInPlace: false });
    harness.session.receive(chunk);
    expect(harness.record.messages).toEqual([Uint8Array.from({ length: 200 }, (_, i) => i)]);
    expect(chunk).toEqual(before);
  });

  test("many frames in one chunk and one frame over many chunks decode alike", () => {
    const frames = [
      frame({ opcode: TEXT, payload: "a" }),
      frame({ opcode: BINARY, payload: new Uint8Array(300) }),
      frame({ opcode: PING, payload: "p" }),
    ];
    const all = concatBytes(frames);
    // Sessions own their chunks and unmask in place, so each decode gets its own copy of the bytes.
    const whole = serverReceives([all.slice()]);
    const harness = open();
    for (let i = 0; i < all.length; i++) harness.session.receive(all.subarray(i, i + 1));
    expect(harness.record.messages).toEqual(whole.record.messages);
    expect(harness.written()).toEqual(whole.written());
  });

  test("sending something other than a string or Uint8Array throws INVALID_MESSAGE", () => {
    const harness = open();
    expect(() => harness.session.send(42 as unknown as string)).toThrowError(
      expect.objectContaining({ code: "INVALID_MESSAGE" }),
    );
  });

  test("frames after a close frame in the same chunk are ignored", () => {
    const { record } = serverReceives([
      concatBytes([frame({ opcode: CLOSE, payload: bytesOf(0x03, 0xe8) }), frame({ opcode: TEXT, payload: "late" })]),
    ]);
    expect(record.messages).toEqual([]);
    expect(record.end).toEqual({ code: 1000, reason: "" });
  });
});

describe("unmaskInPlace", () => {
  test("with unmaskInPlace a server hands out a binary message as a view of the received chunk, unmasked there", () => {
    const payload = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    const chunk = frame({ opcode: BINARY, payload });
    const harness = open({ unmaskInPlace: true });
    harness.session.receive(chunk);
    const [message] = harness.record.messages as Uint8Array[];
    expect(message).toEqual(payload);
    expect(message.buffer).toBe(chunk.buffer);
  });

  test("with unmaskInPlace text, fragmented, split and control frames decode as without it", () => {
    const frames = [
      frame({ opcode: TEXT, payload: "κόσμε" }),
      frame({ opcode: TEXT, payload: "frag", fin: false }),
      frame({ opcode: PING, payload: "p" }),
      frame({ opcode: 0, payload: "ment" }),
      frame({ opcode: BINARY, payload: new Uint8Array(5000).fill(4) }),
    ];
    const all = concatBytes(frames);
    const expected = serverReceives([all.slice()]);
    const harness = open({ unmaskInPlace: true });
    for (let at = 0; at < all.length; at += 97) harness.session.receive(all.slice(at, at + 97));
    expect(harness.record.messages).toEqual(expected.record.messages);
    expect(harness.written()).toEqual(expected.written());
  });
});
