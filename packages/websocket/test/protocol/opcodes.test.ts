// Autobahn category 4 (opcodes): reserved data opcodes 3–7 and control opcodes 0xB–0xF are protocol errors.
import { describe, expect, test } from "vitest";
import { frame, serverReceives, TEXT } from "./frames.ts";

describe("opcodes (Autobahn 4.x)", () => {
  test.each([3, 4, 5, 6, 7])("reserved data opcode %i fails with 1002", (opcode) => {
    const harness = serverReceives([
      frame({ opcode: TEXT, payload: "before" }),
      frame({ opcode, payload: "x" }),
      frame({ opcode: TEXT, payload: "after" }),
    ]);
    expect(harness.record.messages).toEqual(["before"]);
    expect(harness.record.end?.code).toBe(1002);
    expect(harness.record.end?.error?.code).toBe("INVALID_FRAME");
    expect(harness.sentCloseCode()).toBe(1002);
  });

  test.each([0xb, 0xc, 0xd, 0xe, 0xf])("reserved control opcode 0x%s fails with 1002", (opcode) => {
    const harness = serverReceives([frame({ opcode, payload: "x" })]);
    expect(harness.record.end?.code).toBe(1002);
    expect(harness.record.end?.error?.message).toMatch(/reserved control opcode/);
  });

  test("a reserved opcode fails as soon as its header arrives, before its payload", () => {
    const bytes = frame({ opcode: 5, payload: new Uint8Array(1000) });
    const harness = serverReceives([bytes.subarray(0, 2)]);
    expect(harness.record.end?.code).toBe(1002);
  });
});
