// Autobahn category 5 (fragmentation): reassembly, control frames between fragments, ordering rules, abuse caps.
import { concatBytes } from "@framed/core/testing";
import { describe, expect, test } from "vitest";
import { MessageBuffer } from "../../src/protocol/message-buffer.ts";
import {
  BINARY,
  bytesOf,
  CLOSE,
  CONTINUATION,
  closePayload,
  frame,
  PING,
  PONG,
  serverReceives,
  TEXT,
} from "./frames.ts";

describe("fragmentation (Autobahn 5.x)", () => {
  test("a text message in three fragments arrives as one string", () => {
    const { record } = serverReceives([
      frame({ opcode: TEXT, payload: "frag", fin: false }),
      frame({ opcode: CONTINUATION, payload: "men", fin: false }),
      frame({ opcode: CONTINUATION, payload: "ted" }),
    ]);
    expect(record.messages).toEqual(["fragmented"]);
  });

  test("a binary message in fragments, including empty ones, arrives whole", () => {
    const { record } = serverReceives([
      frame({ opcode: BINARY, payload: bytesOf(), fin: false }),
      frame({ opcode: CONTINUATION, payload: bytesOf(1, 2), fin: false }),
      frame({ opcode: CONTINUATION, payload: bytesOf(), fin: false }),
      frame({ opcode: CONTINUATION, payload: bytesOf(3) }),
    ]);
    expect(record.messages).toEqual([bytesOf(1, 2, 3)]);
  });

  test("control frames between fragments are handled at once and do not break the message", () => {
    const harness = serverReceives([
      frame({ opcode: TEXT, payload: "a", fin: false }),
      frame({ opcode: PING, payload: "1" }),
      frame({ opcode: PONG, payload: "unsolicited" }),
      frame({ opcode: CONTINUATION, payload: "b", fin: false }),
      frame({ opcode: PING, payload: "2" }),
      frame({ opcode: CONTINUATION, payload: "c" }),
    ]);
    expect(harness.record.messages).toEqual(["abc"]);
    expect(harness.written().map((f) => [f.opcode, new TextDecoder().decode(f.payload)])).toEqual([
      [PONG, "1"],
      [PONG, "2"],
    ]);
  });

  test("a close frame between fragments ends the session; the unfinished message is dropped", () => {
    const harness = serverReceives([
      frame({ opcode: TEXT, payload: "a", fin: false }),
      frame({ opcode: CLOSE, payload: closePayload(1000) }),
    ]);
    expect(harness.record.messages).toEqual([]);
    expect(harness.record.end).toEqual({ code: 1000, reason: "" });
  });

  test("a continuation frame with no message to continue fails with 1002", () => {
    const harness = serverReceives([frame({ opcode: CONTINUATION, payload: "x" })]);
    expect(harness.record.end?.code).toBe(1002);
    expect(harness.record.end?.error?.code).toBe("PROTOCOL_ERROR");
  });

  test("a continuation frame after a finished message fails with 1002", () => {
    const harness = serverReceives([
      frame({ opcode: TEXT, payload: "done" }),
      frame({ opcode: CONTINUATION, payload: "x" }),
    ]);
    expect(harness.record.messages).toEqual(["done"]);
    expect(harness.record.end?.code).toBe(1002);
  });

  test("a new text or binary frame inside an unfinished fragmented message fails with 1002", () => {
    const harness = serverReceives([
      frame({ opcode: TEXT, payload: "a", fin: false }),
      frame({ opcode: BINARY, payload: "b" }),
    ]);
    expect(harness.record.messages).toEqual([]);
    expect(harness.record.end?.code).toBe(1002);
  });

  test("a fragmented control frame fails with 1002", () => {
    const harness = serverReceives([
      frame({ opcode: PING, payload: "a", fin: false }),
      frame({ opcode: CONTINUATION, payload: "b" }),
    ]);
    expect(harness.record.end?.code).toBe(1002);
  });

  test("a message in more than maxFragments fragments fails with 1008", () => {
    const frames = [frame({ opcode: BINARY, payload: bytesOf(0), fin: false })];
    for (let i = 0; i < 4; i++) frames.push(frame({ opcode: CONTINUATION, payload: bytesOf(i), fin: false }));
    const harness = serverReceives(frames, { maxFragments: 4 });
    expect(harness.record.end?.code).toBe(1008);
    expect(harness.record.end?.error?.code).toBe("POLICY_VIOLATION");
    expect(harness.sentCloseCode()).toBe(1008);
  });

  test("a message of exactly maxFragments fragments is accepted", () => {
    const frames = [frame({ opcode: BINARY, payload: bytesOf(0), fin: false })];
    for (let i = 1; i < 3; i++) frames.push(frame({ opcode: CONTINUATION, payload: bytesOf(i), fin: i === 2 }));
    expect(serverReceives(frames, { maxFragments: 3 }).record.messages).toEqual([bytesOf(0, 1, 2)]);
  });

  test("the running total of fragments over maxMessageSize fails with 1009 at the header that passes it", () => {
    const harness = serverReceives(
      [
        frame({ opcode: BINARY, payload: new Uint8Array(60), fin: false }),
        frame({ opcode: CONTINUATION, payload: new Uint8Array(60) }).subarray(0, 2),
      ],
      { maxMessageSize: 100 },
    );
    expect(harness.record.end?.code).toBe(1009);
    expect(harness.record.end?.error?.code).toBe("MESSAGE_TOO_LARGE");
  });

  test("10,000 one-byte fragments arrive as one message", () => {
    const frames = [frame({ opcode: BINARY, payload: bytesOf(0), fin: false })];
    for (let i = 1; i < 10_000; i++)
      frames.push(frame({ opcode: CONTINUATION, payload: bytesOf(i & 0xff), fin: i === 9_999 }));
    const { record } = serverReceives([concatBytes(frames)]);
    expect(record.messages.length).toBe(1);
    expect((record.messages[0] as Uint8Array).length).toBe(10_000);
    expect((record.messages[0] as Uint8Array)[9_999]).toBe(9_999 & 0xff);
  });

  test("thousands of one-byte fragments do not amplify memory: one buffer below twice the bytes", () => {
    const buffer = new MessageBuffer();
    const limit = 16 * 1024 * 1024;
    for (let i = 0; i < 10_000; i++) buffer.append(bytesOf(i & 0xff), limit);
    expect(buffer.size).toBe(10_000);
    expect(buffer.capacity).toBeLessThanOrEqual(2 * 10_000);
  });

  test("a buffer grows from received bytes, not from a declared size", () => {
    const buffer = new MessageBuffer();
    buffer.append(new Uint8Array(10), 16 * 1024 * 1024);
    expect(buffer.capacity).toBeLessThanOrEqual(1024);
    buffer.append(new Uint8Array(5000), 16 * 1024 * 1024);
    expect(buffer.capacity).toBeLessThanOrEqual(2 * 5010);
  });

  test("a message whose final size is known takes it in one allocation when under 64 KiB, however it is split", () => {
    const buffer = new MessageBuffer();
    buffer.append(new Uint8Array(20_000), 65_536, true);
    expect(buffer.capacity).toBe(65_536);
    buffer.append(new Uint8Array(45_536), 65_536, true);
    expect(buffer.capacity).toBe(65_536);
    expect(buffer.take().length).toBe(65_536);
  });

  test("a declared final size earns at most 64 KiB of capacity ahead of the received bytes", () => {
    const buffer = new MessageBuffer();
    buffer.append(new Uint8Array(10), 16 * 1024 * 1024, true);
    expect(buffer.capacity).toBe(64 * 1024);
    buffer.append(new Uint8Array(70_000), 16 * 1024 * 1024, true);
    expect(buffer.capacity).toBeLessThanOrEqual(2 * 70_010);
  });

  test("a buffer stops growing at the message's known final size", () => {
    const buffer = new MessageBuffer();
    buffer.append(new Uint8Array(600), 1000);
    buffer.append(new Uint8Array(400), 1000);
    expect(buffer.capacity).toBe(1000);
    expect(buffer.take().length).toBe(1000);
    expect(buffer.size).toBe(0);
  });

  test("a single frame dribbled one byte per chunk holds no more than the header in the queue and decodes", () => {
    const payload = Uint8Array.from({ length: 3000 }, (_, i) => i & 0xff);
    const bytes = frame({ opcode: BINARY, payload });
    const harness = serverReceives(Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1)));
    expect(harness.record.messages).toEqual([payload]);
  });
});
