// Smoke test of the ndjson-fetch example on Node: the server streams rows as they are produced, readRows
// (the page's consumer) gets them in order, reports a bad line by number and carries on; the page is served.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Row, readRows } from "../read-rows.ts";

const root = fileURLToPath(new URL("../../..", import.meta.url));
let server: ChildProcess | undefined;
let base = "";

beforeEach(async () => {
  server = spawn(process.execPath, ["scripts/example.mjs", "ndjson-fetch", "--port", "0"], { cwd: root });
  let output = "";
  server.stdout?.on("data", (chunk) => (output += chunk));
  server.stderr?.on("data", (chunk) => (output += chunk));
  const deadline = Date.now() + 15_000;
  while (!/listening on (\S+)/.test(output)) {
    if (Date.now() > deadline || server.exitCode !== null) throw new Error(`ndjson-fetch did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  base = /listening on (\S+)/.exec(output)?.[1] ?? "";
});

afterEach(() => server?.kill("SIGTERM"));

describe("ndjson-fetch example on Node", () => {
  it("delivers each row while the response is still streaming, in order", async () => {
    const started = Date.now();
    const arrivals: Array<{ row: Row; at: number }> = [];
    const counts = await readRows(await fetch(`${base}/rows?count=5&delayMs=150`), {
      row: (row) => arrivals.push({ row, at: Date.now() - started }),
      badLine: () => {},
    });
    const finished = Date.now() - started;
    expect(counts).toEqual({ rows: 5, badLines: 0 });
    expect(arrivals.map(({ row }) => row.id)).toEqual([1, 2, 3, 4, 5]);
    expect(arrivals[0].row).toEqual({ id: 1, name: "alpha", value: 37 });
    // Five rows 150 ms apart: the first must be in hand long before the body ends.
    expect(finished - arrivals[0].at).toBeGreaterThan(400);
  });

  it("reports a line that is not JSON with its line number and still reads every row after it", async () => {
    const bad: Array<{ lineNumber: number; message: string }> = [];
    const ids: number[] = [];
    const counts = await readRows(await fetch(`${base}/rows?count=6&bad=3`), {
      row: (row) => ids.push(row.id),
      badLine: (lineNumber, message) => bad.push({ lineNumber, message }),
    });
    expect(counts).toEqual({ rows: 6, badLines: 1 });
    expect(ids).toEqual([1, 2, 3, 4, 5, 6]);
    expect(bad).toHaveLength(1);
    expect(bad[0].lineNumber).toBe(3);
    expect(bad[0].message).toMatch(/^line 3 is not JSON .*; skipped$/);
  });

  it("answers a bad query with HTTP 400, which readRows turns into CONNECT_FAILED with the status", async () => {
    const response = await fetch(`${base}/rows?count=-1`);
    await expect(readRows(response, { row: () => {}, badLine: () => {} })).rejects.toMatchObject({
      code: "CONNECT_FAILED",
      status: 400,
    });
  });

  it("serves the page and its bundled script", async () => {
    const page = await fetch(`${base}/`);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toContain('<script type="module" src="/page.js">');
    const script = await fetch(`${base}/page.js`);
    expect(script.status).toBe(200);
    expect(await script.text()).toContain("/rows?");
  });

  it("--deno-client prints each row and the bad line's number, read by Deno from the Node server", async () => {
    const output = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ["scripts/example.mjs", "ndjson-fetch", "--deno-client", "--url", `${base}/rows?count=4&bad=2`],
        { cwd: root, timeout: 20_000 },
        (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stdout}\n${stderr}`)) : resolve(stdout),
      );
    });
    expect(output).toMatch(/^row 1: alpha 37\nbad line 2: line 2 is not JSON .*\nrow 2: bravo 74\nrow 3: /m);
    expect(output).toContain("deno client: 4 rows, 1 bad lines");
  });
});
