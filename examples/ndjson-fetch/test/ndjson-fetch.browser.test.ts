// The ndjson-fetch example in real Chromium: the browser's own fetch body read by readRows (the page's consumer).
import { describe, expect, inject, it } from "vitest";
import { type Row, readRows } from "../read-rows.ts";

const base = inject("ndjsonFetchUrl");

describe("ndjson-fetch in Chromium", () => {
  it("hands each row over while the body is still streaming, in order", async () => {
    const started = performance.now();
    const arrivals: Array<{ row: Row; at: number }> = [];
    const counts = await readRows(await fetch(`${base}/rows?count=5&delayMs=150`), {
      row: (row) => arrivals.push({ row, at: performance.now() - started }),
      badLine: () => {},
    });
    const finished = performance.now() - started;
    expect(counts).toEqual({ rows: 5, badLines: 0 });
    expect(arrivals.map(({ row }) => row.id)).toEqual([1, 2, 3, 4, 5]);
    expect(finished - arrivals[0].at).toBeGreaterThan(400);
  });

  it("reports a line that is not JSON with its line number and keeps reading", async () => {
    const ids: number[] = [];
    const bad: Array<{ lineNumber: number; message: string }> = [];
    const counts = await readRows(await fetch(`${base}/rows?count=50&bad=7`), {
      row: (row) => ids.push(row.id),
      badLine: (lineNumber, message) => bad.push({ lineNumber, message }),
    });
    expect(counts).toEqual({ rows: 50, badLines: 1 });
    expect(ids).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(bad.map(({ lineNumber }) => lineNumber)).toEqual([7]);
    expect(bad[0].message).toContain("line 7 is not JSON");
  });

  it("turns an HTTP error into CONNECT_FAILED with the status", async () => {
    await expect(
      readRows(await fetch(`${base}/rows?delayMs=x`), { row: () => {}, badLine: () => {} }),
    ).rejects.toMatchObject({ code: "CONNECT_FAILED", status: 400 });
  });
});
