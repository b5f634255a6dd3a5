// A 64 MiB line fed 64 bytes at a time finishes in linear time (split2 and Deno std once went quadratic here).
import { openRecorded } from "@framed/core/testing";
import { describe, expect, it } from "vitest";
import { newline, newlineBytes } from "../src/index.ts";

// The bound is generous but decisive: rescanning or re-joining the carried line on each of the ~1M
// chunks (the split2 / Deno std bug) would touch ~3×10^13 bytes, hours rather than seconds. Exact
// timings belong in the benchmark; per-byte ratios in a shared test run are too noisy to assert on.
const LINE_BYTES = 64 * 1024 * 1024;
const CHUNK_BYTES = 64;

function feedLongLine(session: { receive(chunk: Uint8Array): void }, delimiter: Uint8Array): number {
  const body = new Uint8Array(CHUNK_BYTES).fill(0x78);
  const started = performance.now();
  for (let sent = 0; sent < LINE_BYTES; sent += CHUNK_BYTES) session.receive(body);
  session.receive(delimiter);
  return performance.now() - started;
}

describe("long lines", () => {
  it("a 64 MiB text line in 64-byte chunks is delivered whole within a generous 10 s", () => {
    const { session, record } = openRecorded(newline({ maxMessageSize: LINE_BYTES }));
    const elapsed = feedLongLine(session, new Uint8Array([0x0d, 0x0a]));
    expect(record.messages).toHaveLength(1);
    expect(record.messages[0].length).toBe(LINE_BYTES);
    expect(elapsed).toBeLessThan(10_000);
  });

  it("a 64 MiB record with a two-byte delimiter in 64-byte chunks finishes within 10 s", () => {
    const { session, record } = openRecorded(newlineBytes({ delimiter: "\r\n", maxMessageSize: LINE_BYTES }));
    const elapsed = feedLongLine(session, new Uint8Array([0x0d, 0x0a]));
    expect(record.messages).toHaveLength(1);
    expect(record.messages[0].length).toBe(LINE_BYTES);
    expect(record.messages[0][LINE_BYTES - 1]).toBe(0x78);
    expect(elapsed).toBeLessThan(10_000);
  });
});
