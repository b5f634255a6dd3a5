// The ndjson-fetch example read by real Deno: the Node server runs as a subprocess, and Deno's own fetch
// body goes through readRows (the page's consumer), bad line included.
import assert from "node:assert/strict";
import { readRows } from "../read-rows.ts";

declare const Deno: {
  Command: new (
    command: string,
    options: { args: string[]; cwd: string; stdout: "piped"; stderr: "inherit" },
  ) => {
    spawn(): {
      stdout: ReadableStream<Uint8Array>;
      kill(signal: string): void;
      status: Promise<{ code: number }>;
    };
  };
  test(name: string, fn: () => Promise<void>): void;
};

const root = new URL("../../..", import.meta.url).pathname;

/** Start the example's server with Node; resolves with its base URL once it prints its listening line. */
async function startNodeServer() {
  const child = new Deno.Command("node", {
    args: ["--conditions=source", "--import", "tsx", "examples/ndjson-fetch/main.ts", "--port", "0"],
    cwd: root,
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let output = "";
  const deadline = Date.now() + 15_000;
  while (!/listening on (\S+)/.test(output) && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    output += value;
  }
  const base = /listening on (\S+)/.exec(output)?.[1];
  const stop = async () => {
    child.kill("SIGTERM");
    await reader.cancel();
    await child.status;
  };
  if (!base) {
    await stop();
    throw new Error(`ndjson-fetch did not start:\n${output}`);
  }
  return { base, stop };
}

Deno.test("Deno reads every NDJSON row from the Node server and reports the bad line by number", async () => {
  const server = await startNodeServer();
  try {
    const ids: number[] = [];
    const bad: number[] = [];
    const counts = await readRows(await fetch(`${server.base}/rows?count=8&delayMs=10&bad=5`), {
      row: (row) => ids.push(row.id),
      badLine: (lineNumber) => bad.push(lineNumber),
    });
    assert.deepEqual(counts, { rows: 8, badLines: 1 });
    assert.deepEqual(ids, [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(bad, [5]);
  } finally {
    await server.stop();
  }
});

Deno.test("Deno sees the rows' content exactly as the server made them", async () => {
  const server = await startNodeServer();
  try {
    const rows: unknown[] = [];
    await readRows(await fetch(`${server.base}/rows?count=2`), { row: (row) => rows.push(row), badLine: () => {} });
    assert.deepEqual(rows, [
      { id: 1, name: "alpha", value: 37 },
      { id: 2, name: "bravo", value: 74 },
    ]);
  } finally {
    await server.stop();
  }
});
