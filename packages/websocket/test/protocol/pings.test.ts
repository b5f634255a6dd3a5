// Autobahn category 2 (pings and pongs): pong echoes, size and fragmentation limits, unsolicited pongs.
import { concatBytes } from "@framed/core/testing";
import { describe, expect, test } from "vitest";
import { BINARY, bytesOf, frame, open, PING, PONG, serverReceives, TEXT, utf8 } from "./frames.ts";

describe("pings (Autobahn 2.x)", () => {
  test("a ping is answered with a pong carrying the same payload", () => {
    const payload = Uint8Array.from({ length: 125 }, (_, i) => 255 - i);
    const harness = serverReceives([frame({ opcode: PING, payload })]);
    const [pong] = harness.written();
    expect(pong.opcode).toBe(PONG);
    expect(pong.fin).toBe(true);
    expect(pong.payload).toEqual(payload);
    expect(harness.record.end).toBeUndefined();
  });

  test("an empty ping is answered with an empty pong", () => {
    const harness = serverReceives([frame({ opcode: PING })]);
    expect(harness.written()).toEqual([expect.objectContaining({ opcode: PONG, payload: new Uint8Array(0) })]);
  });

  test("ten pings in one chunk get ten pongs in order", () => {
    const pings = Array.from({ length: 10 }, (_, i) => frame({ opcode: PING, payload: utf8(`ping ${i}`) }));
    const harness = serverReceives([concatBytes(pings)]);
    expect(harness.written().map((f) => new TextDecoder().decode(f.payload))).toEqual(pings.map((_, i) => `ping ${i}`));
  });

  test("a client answers a server's unmasked ping with a masked pong", () => {
    const harness = open({}, "client");
    harness.session.receive(frame({ opcode: PING, payload: "hb", mask: false }));
    expect(harness.written()).toEqual([expect.objectContaining({ opcode: PONG, masked: true, payload: utf8("hb") })]);
  });

  test("a ping payload over 125 bytes fails with 1002", () => {
    const harness = serverReceives([frame({ opcode: PING, payload: new Uint8Array(126) })]);
    expect(harness.record.end?.code).toBe(1002);
    expect(harness.sentCloseCode()).toBe(1002);
    expect(harness.written().some((f) => f.opcode === PONG)).toBe(false);
  });

  test("a fragmented ping (FIN clear) fails with 1002", () => {
    const harness = serverReceives([frame({ opcode: PING, payload: "a", fin: false })]);
    expect(harness.record.end?.code).toBe(1002);
  });

  test("unsolicited pongs are ignored", () => {
    const harness = serverReceives([
      frame({ opcode: PONG, payload: "x" }),
      frame({ opcode: PONG }),
      frame({ opcode: TEXT, payload: "after" }),
    ]);
    expect(harness.record.messages).toEqual(["after"]);
    expect(harness.record.writes).toEqual([]);
    expect(harness.record.end).toBeUndefined();
  });

  test("ping() sends a ping frame and pong() a pong frame, with the given payload", () => {
    const harness = open();
    harness.session.ping(bytesOf(1, 2));
    harness.session.pong("beat");
    harness.session.ping();
    expect(harness.written().map((f) => [f.opcode, Array.from(f.payload)])).toEqual([
      [PING, [1, 2]],
      [PONG, Array.from(utf8("beat"))],
      [PING, []],
    ]);
  });

  test("ping() refuses a payload over 125 bytes with RangeError", () => {
    const harness = open();
    expect(() => harness.session.ping(new Uint8Array(126))).toThrow(RangeError);
  });

  test("ping() after close() throws CLOSED", () => {
    const harness = open();
    harness.session.close();
    expect(() => harness.session.ping()).toThrowError(expect.objectContaining({ code: "CLOSED" }));
    expect(() => harness.session.pong()).toThrowError(expect.objectContaining({ code: "CLOSED" }));
  });

  test("a ping received after our close frame gets no pong (nothing is sent after a close frame)", () => {
    const harness = open();
    harness.session.close();
    harness.session.receive(frame({ opcode: PING, payload: "late" }));
    expect(harness.written().map((f) => f.opcode)).toEqual([0x8]);
  });

  test("a binary message with a ping between its frames still arrives whole", () => {
    const harness = serverReceives([
      frame({ opcode: BINARY, payload: bytesOf(1), fin: false }),
      frame({ opcode: PING, payload: "mid" }),
      frame({ opcode: 0, payload: bytesOf(2) }),
    ]);
    expect(harness.record.messages).toEqual([bytesOf(1, 2)]);
    expect(harness.written()[0].opcode).toBe(PONG);
  });
});

describe("onControlFrame", () => {
  test("reports each ping (after answering it) and each pong with its payload, in arrival order", () => {
    const seen: string[] = [];
    const harness = open(
      {
        onControlFrame: (kind, payload) =>
          seen.push(`${kind} ${new TextDecoder().decode(payload)} (pongs written: ${harness.written().length})`),
      },
      "client",
    );
    harness.session.receive(
      concatBytes([
        frame({ opcode: PING, payload: "a", mask: false }),
        frame({ opcode: PONG, payload: "b", mask: false }),
        frame({ opcode: TEXT, payload: "c", mask: false }),
      ]),
    );
    expect(seen).toEqual(["ping a (pongs written: 1)", "pong b (pongs written: 1)"]);
  });

  test("a value that is not a function is refused when the framing is made", () => {
    expect(() => open({ onControlFrame: "log" as never })).toThrow(/onControlFrame must be a function/);
  });
});
