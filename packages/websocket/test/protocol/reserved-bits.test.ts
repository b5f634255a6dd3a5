// Autobahn category 3 (reserved bits): RSV1–3 without a negotiated extension are protocol errors.
import { describe, expect, test } from "vitest";
import { BINARY, CLOSE, deflateParams, frame, PING, serverReceives, TEXT } from "./frames.ts";

describe("reserved bits (Autobahn 3.x)", () => {
  test.each([
    ["RSV1", { rsv1: true }],
    ["RSV2", { rsv2: true }],
    ["RSV3", { rsv3: true }],
    ["RSV1+RSV2+RSV3", { rsv1: true, rsv2: true, rsv3: true }],
  ])("%s set on a text frame without an extension fails with 1002", (_name, bits) => {
    const harness = serverReceives([frame({ opcode: TEXT, payload: "hi", ...bits })]);
    expect(harness.record.messages).toEqual([]);
    expect(harness.record.end?.code).toBe(1002);
    expect(harness.record.end?.error?.code).toBe("INVALID_FRAME");
    expect(harness.sentCloseCode()).toBe(1002);
  });

  test("messages before the bad frame are delivered, then the session fails with 1002", () => {
    const harness = serverReceives([
      frame({ opcode: TEXT, payload: "first" }),
      frame({ opcode: BINARY, rsv2: true }),
      frame({ opcode: TEXT, payload: "never" }),
    ]);
    expect(harness.record.messages).toEqual(["first"]);
    expect(harness.record.end?.code).toBe(1002);
  });

  test("RSV2 and RSV3 stay errors even with permessage-deflate negotiated", () => {
    expect(
      serverReceives([frame({ opcode: TEXT, payload: "x", rsv2: true })], { deflate: deflateParams() }).record.end
        ?.code,
    ).toBe(1002);
    expect(
      serverReceives([frame({ opcode: TEXT, payload: "x", rsv3: true })], { deflate: deflateParams() }).record.end
        ?.code,
    ).toBe(1002);
  });

  test.each([
    ["ping", PING],
    ["close", CLOSE],
  ])("RSV1 on a %s frame fails with 1002, also with permessage-deflate negotiated", (_name, opcode) => {
    const harness = serverReceives([frame({ opcode, rsv1: true })], { deflate: deflateParams() });
    expect(harness.record.end?.code).toBe(1002);
  });

  test("the error says which bit was wrong", () => {
    const harness = serverReceives([frame({ opcode: TEXT, rsv1: true })]);
    expect(harness.record.end?.error?.message).toMatch(/RSV1.*permessage-deflate/);
    expect(harness.record.end?.error?.closeCode).toBe(1002);
  });
});
