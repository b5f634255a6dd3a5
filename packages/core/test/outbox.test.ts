// The reconnecting stream's outbox on its own: any sequence of sends keeps it within both bounds, and what
// it holds is always the newest messages (drop-oldest) or the earliest accepted ones (reject), in order.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FramedError } from "../src/index.ts";
import { Outbox, utf8Length } from "../src/reconnecting/outbox.ts";

const messages = fc.array(fc.string({ maxLength: 12, unit: "grapheme" }), { maxLength: 60 });
const bounds = fc.record({ maxMessages: fc.integer({ min: 1, max: 8 }), maxBytes: fc.integer({ min: 1, max: 40 }) });

describe("Outbox", () => {
  it("drop-oldest: never past either bound, holds the newest suffix that fits, in order, and reports every drop", () => {
    fc.assert(
      fc.property(messages, bounds, (sent, { maxMessages, maxBytes }) => {
        const outbox = new Outbox<string>({ maxMessages, maxBytes, policy: "drop-oldest" });
        const accepted: string[] = [];
        const dropped: string[] = [];
        for (const message of sent) {
          try {
            dropped.push(...outbox.push(message));
            accepted.push(message);
          } catch (error) {
            expect(error).toBeInstanceOf(FramedError);
            expect(utf8Length(message)).toBeGreaterThan(maxBytes); // only a message too big on its own
          }
          expect(outbox.length).toBeLessThanOrEqual(maxMessages);
          expect(outbox.bytes).toBeLessThanOrEqual(maxBytes);
        }
        const held = outbox.takeAll();
        expect([...dropped, ...held]).toEqual(accepted);
        expect(outbox.length).toBe(0);
        expect(outbox.bytes).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it("reject: never past either bound, and holds exactly the sends that were accepted, in order", () => {
    fc.assert(
      fc.property(messages, bounds, (sent, { maxMessages, maxBytes }) => {
        const outbox = new Outbox<string>({ maxMessages, maxBytes, policy: "reject" });
        const accepted: string[] = [];
        for (const message of sent) {
          try {
            expect(outbox.push(message)).toEqual([]);
            accepted.push(message);
          } catch (error) {
            expect((error as FramedError).code).toBe("OUTBOX_FULL");
            const size = utf8Length(message);
            expect(outbox.length === maxMessages || outbox.bytes + size > maxBytes).toBe(true);
          }
        }
        expect(outbox.takeAll()).toEqual(accepted);
      }),
      { numRuns: 300 },
    );
  });

  it("bad bounds and policies are refused with a RangeError naming them", () => {
    expect(() => new Outbox({ maxMessages: -1 })).toThrow(/maxMessages/);
    expect(() => new Outbox({ maxBytes: 1.5 })).toThrow(/maxBytes/);
    expect(() => new Outbox({ policy: "drop-newest" as never })).toThrow(/policy/);
  });

  it("sizes bytes by byteLength and other values by their JSON", () => {
    const outbox = new Outbox<unknown>({ maxBytes: 100 });
    outbox.push(new Uint8Array(10));
    outbox.push({ a: "é" }); // {"a":"é"} = 10 bytes
    expect(outbox.bytes).toBe(20);
  });
});
