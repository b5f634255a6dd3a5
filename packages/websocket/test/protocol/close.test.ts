// Autobahn category 7 (close handling): the close handshake, valid and invalid codes, what happens after a close.

import { concatBytes } from "@framed/core/testing";
import { describe, expect, test } from "vitest";
import { CLOSE, closePayload, frame, open, PING, serverReceives, TEXT, utf8 } from "./frames.ts";

const VALID_CODES = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999];
const INVALID_CODES = [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535];

describe("close handling (Autobahn 7.x)", () => {
  test("the peer's close is answered with the same code, then the session ends with its code and reason", () => {
    const harness = serverReceives([frame({ opcode: CLOSE, payload: closePayload(1001, "going away") })]);
    expect(harness.sentCloseCode()).toBe(1001);
    expect(harness.record.end).toEqual({ code: 1001, reason: "going away" });
    expect(harness.session.state).toBe("closed");
  });

  test.each(VALID_CODES)("close code %i from the peer is valid and echoed", (code) => {
    const harness = serverReceives([frame({ opcode: CLOSE, payload: closePayload(code) })]);
    expect(harness.record.end).toEqual({ code, reason: "" });
    expect(harness.sentCloseCode()).toBe(code);
  });

  test.each(INVALID_CODES)("close code %i from the peer fails with 1002", (code) => {
    const harness = serverReceives([frame({ opcode: CLOSE, payload: closePayload(code) })]);
    expect(harness.record.end?.code).toBe(1002);
    expect(harness.record.end?.error?.code).toBe("PROTOCOL_ERROR");
    expect(harness.sentCloseCode()).toBe(1002);
  });

  test("a close frame with no payload is reported as 1005 and answered with 1000 (1005 is never sent)", () => {
    const harness = serverReceives([frame({ opcode: CLOSE })]);
    expect(harness.record.end).toEqual({ code: 1005, reason: "" });
    expect(harness.sentCloseCode()).toBe(1000);
  });

  test("a close frame with a 1-byte payload fails with 1002", () => {
    const harness = serverReceives([frame({ opcode: CLOSE, payload: Uint8Array.of(0x03) })]);
    expect(harness.record.end?.code).toBe(1002);
  });

  test("a close reason of 123 bytes is accepted", () => {
    const reason = "r".repeat(123);
    expect(serverReceives([frame({ opcode: CLOSE, payload: closePayload(1000, reason) })]).record.end).toEqual({
      code: 1000,
      reason,
    });
  });

  test("a close payload of 126 bytes (over the control frame limit) fails with 1002", () => {
    const harness = serverReceives([frame({ opcode: CLOSE, payload: closePayload(1000, "r".repeat(124)) })]);
    expect(harness.record.end?.code).toBe(1002);
  });

  test("data after the peer's close is ignored", () => {
    const harness = serverReceives([
      frame({ opcode: CLOSE, payload: closePayload(1000) }),
      frame({ opcode: TEXT, payload: "late" }),
      frame({ opcode: PING }),
    ]);
    expect(harness.record.messages).toEqual([]);
    expect(harness.written().length).toBe(1);
  });

  test("close() writes a close frame, returns true, and the peer's reply ends the session", () => {
    const harness = open();
    expect(harness.session.close(4001, "done")).toBe(true);
    expect(harness.session.state).toBe("closing");
    const [close] = harness.written();
    expect(close.opcode).toBe(CLOSE);
    expect(close.payload).toEqual(closePayload(4001, "done"));
    expect(harness.record.end).toBeUndefined();
    harness.session.receive(frame({ opcode: CLOSE, payload: closePayload(4001) }));
    expect(harness.record.end).toEqual({ code: 4001, reason: "" });
    expect(harness.written().length).toBe(1); // no second close frame
  });

  test("close() with no arguments sends 1000", () => {
    const harness = open();
    harness.session.close();
    expect(harness.sentCloseCode()).toBe(1000);
  });

  test.each([1005, 1006, 1015, 999, 1004, 2000, 5000, 1000.5])(
    "close(%s) throws RangeError and sends nothing",
    (code) => {
      const harness = open();
      expect(() => harness.session.close(code)).toThrow(RangeError);
      expect(harness.record.writes).toEqual([]);
      expect(harness.session.state).toBe("open");
    },
  );

  test("close() with a reason over 123 bytes of UTF-8 throws RangeError", () => {
    expect(() => open().session.close(1000, "é".repeat(62))).toThrow(RangeError);
  });

  test("send after close() throws CLOSED and writes nothing", () => {
    const harness = open();
    harness.session.close();
    expect(() => harness.session.send("x")).toThrowError(expect.objectContaining({ code: "CLOSED" }));
    expect(harness.written().length).toBe(1);
  });

  test("send after the session ended throws CLOSED", () => {
    const harness = serverReceives([frame({ opcode: CLOSE, payload: closePayload(1000) })]);
    expect(() => harness.session.send(utf8("x"))).toThrowError(expect.objectContaining({ code: "CLOSED" }));
  });

  test("a second close() while closing returns true without writing; after the end it returns false", () => {
    const harness = open();
    harness.session.close();
    expect(harness.session.close(1001)).toBe(true);
    expect(harness.written().length).toBe(1);
    harness.session.receive(frame({ opcode: CLOSE, payload: closePayload(1000) }));
    expect(harness.session.close()).toBe(false);
  });

  test("messages that arrive after our close frame, before the peer's, are still delivered", () => {
    const harness = open();
    harness.session.close();
    harness.session.receive(frame({ opcode: TEXT, payload: "in flight" }));
    expect(harness.record.messages).toEqual(["in flight"]);
  });

  test("EOF before any close frame ends with 1006 and a CONNECTION_RESET error saying no close frame came", () => {
    const harness = serverReceives([frame({ opcode: TEXT, payload: "hi" })]);
    harness.session.receiveEnd();
    expect(harness.record.messages).toEqual(["hi"]);
    expect(harness.record.end?.code).toBe(1006);
    expect(harness.record.end?.error?.code).toBe("CONNECTION_RESET");
    expect(harness.record.end?.error?.message).toMatch(/without a WebSocket close frame/);
    expect(harness.record.writes).toEqual([]);
  });

  test("EOF inside a frame ends with 1006 and TRUNCATED", () => {
    const harness = serverReceives([frame({ opcode: TEXT, payload: "hello" }).subarray(0, 7)]);
    harness.session.receiveEnd();
    expect(harness.record.end?.code).toBe(1006);
    expect(harness.record.end?.error?.code).toBe("TRUNCATED");
  });

  test("EOF inside a fragmented message ends with 1006 and TRUNCATED", () => {
    const harness = serverReceives([frame({ opcode: TEXT, payload: "a", fin: false })]);
    harness.session.receiveEnd();
    expect(harness.record.end?.error?.code).toBe("TRUNCATED");
  });

  test("EOF after our close but before the peer's reply ends with 1006", () => {
    const harness = open();
    harness.session.close();
    harness.session.receiveEnd();
    expect(harness.record.end?.code).toBe(1006);
    expect(harness.record.end?.error?.message).toMatch(/before the peer answered/);
  });

  test("a protocol error writes a close frame with the error's code and a short reason, then ends with that error", () => {
    const harness = serverReceives([frame({ opcode: 3 })]);
    const [close] = harness.written();
    expect((close.payload[0] << 8) | close.payload[1]).toBe(1002);
    expect(new TextDecoder().decode(close.payload.subarray(2))).toMatch(/reserved data opcode/);
    expect(close.payload.length).toBeLessThanOrEqual(125);
    expect(harness.record.end?.error?.closeCode).toBe(1002);
  });

  test("after bad input, a reply to a message decoded before it goes out before the close frame, which waits for endOutput", () => {
    const harness = open();
    harness.session.receive(concatBytes([frame({ opcode: TEXT, payload: "first" }), frame({ opcode: 3 })]));
    expect(harness.record.messages).toEqual(["first"]);
    expect(harness.record.end?.error?.closeCode).toBe(1002);
    expect(harness.record.writes).toEqual([]);
    harness.session.send("reply");
    const frames = harness.written();
    expect(frames.map((f) => f.opcode)).toEqual([TEXT, CLOSE]);
    expect((frames[1].payload[0] << 8) | frames[1].payload[1]).toBe(1002);
    expect(() => harness.session.send("too late")).toThrow(/closed/);
  });

  test("the reply to the peer's close echoes its code with an empty reason by default, and its reason with echoCloseReason", () => {
    const reasonOf = (harness: ReturnType<typeof serverReceives>) => {
      const close = harness.written().find((f) => f.opcode === CLOSE);
      return close ? new TextDecoder().decode(close.payload.subarray(2)) : undefined;
    };
    const peerClose = [frame({ opcode: CLOSE, payload: closePayload(4001, "moving on") })];
    const plain = serverReceives(peerClose);
    expect(plain.sentCloseCode()).toBe(4001);
    expect(reasonOf(plain)).toBe("");
    const echoing = serverReceives(peerClose, { echoCloseReason: true });
    expect(echoing.sentCloseCode()).toBe(4001);
    expect(reasonOf(echoing)).toBe("moving on");
  });

  test("a close frame still owed when the connection is gone is forgotten: abandonOutput, then endOutput writes nothing", () => {
    const harness = open();
    harness.session.receive(frame({ opcode: 3 }));
    expect(harness.record.end?.error?.closeCode).toBe(1002);
    harness.session.abandonOutput();
    expect(harness.written()).toEqual([]);
  });

  test("the session never writes 1005, 1006 or 1015", () => {
    const cases = [
      serverReceives([frame({ opcode: CLOSE })]),
      serverReceives([frame({ opcode: CLOSE, payload: closePayload(1006) })]),
    ];
    const eof = open();
    eof.session.receiveEnd();
    cases.push(eof);
    for (const harness of cases) expect([1005, 1006, 1015]).not.toContain(harness.sentCloseCode());
  });

  test("input after the session ended is ignored and reports nothing", () => {
    const harness = serverReceives([frame({ opcode: CLOSE, payload: closePayload(1000) })]);
    harness.session.receive(frame({ opcode: TEXT, payload: "x" }));
    harness.session.receiveEnd();
    expect(harness.record.messages).toEqual([]);
  });
});
