// Limits (Autobahn 9.x sizes and local policy): maxMessageSize is enforced from headers, before buffering.
import { DEFAULT_MAX_MESSAGE_SIZE } from "@framed/core";
import { describe, expect, test } from "vitest";
import { websocketFraming } from "../../src/index.ts";
import { BINARY, CONTINUATION, frame, open, PING, serverReceives, TEXT } from "./frames.ts";

describe("limits", () => {
  test("maxMessageSize defaults to the core default", () => {
    const harness = open();
    harness.session.receive(frame({ opcode: BINARY, declaredLength: DEFAULT_MAX_MESSAGE_SIZE + 1 }).subarray(0, 14));
    expect(harness.record.end?.code).toBe(1009);
    const ok = open();
    ok.session.receive(frame({ opcode: BINARY, declaredLength: DEFAULT_MAX_MESSAGE_SIZE }).subarray(0, 14));
    expect(ok.record.end).toBeUndefined();
  });

  test("a declared length over maxMessageSize fails with 1009 at the header, before any payload arrives", () => {
    const bytes = frame({ opcode: BINARY, payload: new Uint8Array(2000) });
    const harness = open({ maxMessageSize: 1000 });
    harness.session.receive(bytes.subarray(0, 4)); // the 16-bit length, no mask or payload yet
    expect(harness.record.end?.code).toBe(1009);
    expect(harness.record.end?.error?.code).toBe("MESSAGE_TOO_LARGE");
    expect(harness.record.end?.error?.message).toMatch(/maxMessageSize \(1000\)/);
    expect(harness.sentCloseCode()).toBe(1009);
  });

  test("a 64-bit length of 2^53 and more fails with 1009", () => {
    const harness = open();
    const bytes = frame({ opcode: BINARY, lengthBits: 64, declaredLength: 0 });
    bytes.set([0x00, 0x20, 0, 0, 0, 0, 0, 0], 2);
    harness.session.receive(bytes.subarray(0, 10));
    expect(harness.record.end?.code).toBe(1009);
  });

  test("a message of exactly maxMessageSize is accepted", () => {
    const { record } = serverReceives([frame({ opcode: TEXT, payload: "y".repeat(1000) })], { maxMessageSize: 1000 });
    expect(record.messages).toEqual(["y".repeat(1000)]);
  });

  test("control frames do not count toward the message size", () => {
    const { record, written } = serverReceives(
      [
        frame({ opcode: BINARY, payload: new Uint8Array(60), fin: false }),
        frame({ opcode: PING, payload: new Uint8Array(125) }),
        frame({ opcode: CONTINUATION, payload: new Uint8Array(40) }),
      ],
      { maxMessageSize: 100 },
    );
    expect(record.messages.length).toBe(1);
    expect(written().length).toBe(1);
  });

  test("messages before an oversized one are delivered", () => {
    const { record } = serverReceives(
      [frame({ opcode: TEXT, payload: "fits" }), frame({ opcode: TEXT, payload: "x".repeat(20) })],
      { maxMessageSize: 10 },
    );
    expect(record.messages).toEqual(["fits"]);
    expect(record.end?.code).toBe(1009);
  });

  test("maxMessageSize 0 accepts only empty messages", () => {
    expect(serverReceives([frame({ opcode: TEXT })], { maxMessageSize: 0 }).record.messages).toEqual([""]);
    expect(serverReceives([frame({ opcode: TEXT, payload: "a" })], { maxMessageSize: 0 }).record.end?.code).toBe(1009);
  });

  test("a 4 MiB message arrives whole, also as 64-byte fragments (Autobahn 9.3.1)", () => {
    const size = 4 * 1024 * 1024;
    const payload = new Uint8Array(size).fill(0x41);
    const whole = serverReceives([frame({ opcode: BINARY, payload })]).record.messages[0] as Uint8Array;
    expect(whole.length).toBe(size);
    const harness = open();
    for (let at = 0; at < size; at += 64) {
      harness.session.receive(
        frame({ opcode: at === 0 ? TEXT : CONTINUATION, payload: payload.subarray(at, at + 64), fin: at + 64 >= size }),
      );
    }
    expect((harness.record.messages[0] as string).length).toBe(size);
  });

  test.each([
    [{ maxMessageSize: -1 }],
    [{ maxMessageSize: 1.5 }],
    [{ maxFragments: 0 }],
    [{ compressionThreshold: -5 }],
    [
      {
        deflate: {
          serverNoContextTakeover: false,
          clientNoContextTakeover: false,
          serverMaxWindowBits: 16,
          clientMaxWindowBits: 15,
        },
      },
    ],
    [
      {
        deflate: {
          serverNoContextTakeover: false,
          clientNoContextTakeover: false,
          serverMaxWindowBits: 15,
          clientMaxWindowBits: 7,
        },
      },
    ],
  ])("invalid options %j are refused with RangeError when the framing is created", (options) => {
    expect(() => websocketFraming(options)).toThrow(RangeError);
  });
});
