/**
 * Long fuzzing: at least 100k random and mutated-valid inputs per decoder through the core conformance kit.
 */
import { checkRandomBytes, encodeMessages } from "@framed/core/testing";
import type { Driver } from "./drivers.ts";

export interface FuzzResult {
  framing: string;
  cases: number;
  ok: boolean;
  failure?: string;
}

export async function fuzzDecoder(driver: Driver, cases: number): Promise<FuzzResult> {
  try {
    const framing = await driver.framing(4096);
    checkRandomBytes(framing, { numRuns: cases / 2, maxLength: 1024 });
    // Mutated-valid: a valid encoded prefix followed by random bytes reaches deeper states.
    const prefix = encodeMessages(
      framing,
      [driver.encode({ seq: 1, sentAt: 2 }), driver.encode({ seq: 3, sentAt: 4 })],
      "client",
    );
    checkRandomBytes(framing, { numRuns: cases / 2, maxLength: 256, seedPrefix: prefix });
    return { framing: driver.name, cases, ok: true };
  } catch (error) {
    return { framing: driver.name, cases, ok: false, failure: (error as Error).message.slice(0, 500) };
  }
}
