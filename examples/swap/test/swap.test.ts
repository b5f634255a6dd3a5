// Smoke test of the swap example: the same key-value session over every framing, on Node and Deno.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../..", import.meta.url));

function runSwap(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["scripts/example.mjs", "swap", ...args],
      { cwd: root, timeout: 60_000 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stdout}\n${stderr}`)) : resolve(stdout),
    );
  });
}

const expectedExchange = [
  'get greeting     → "hello, framed"',
  'keys             → ["greeting","primes"]',
  'get primes       → error: no key "primes"',
];

describe("swap example", () => {
  it("runs the same key-value script over length-prefix, newline and websocket on Node", async () => {
    const output = await runSwap(["--runtime", "node"]);
    for (const framing of ["length-prefix", "newline", "websocket"]) expect(output).toContain(`${framing} on node`);
    for (const line of expectedExchange) expect(output.split(line).length - 1).toBe(3);
    expect(output).toContain("swap: the same application ran over length-prefix, newline, websocket on node");
    // The summary table: one row per framing, each with six requests and replies and the same answers.
    for (const framing of ["length-prefix", "newline", "websocket"]) {
      expect(output).toMatch(new RegExp(`^${framing} +node +6 +6 +yes$`, "m"));
    }
  });

  it("runs the same key-value script over the byte framings on Deno", async () => {
    for (const framing of ["length-prefix", "newline"]) {
      const output = await runSwap(["--runtime", "deno", "--framing", framing]);
      expect(output).toContain(`${framing} on deno`);
      for (const line of expectedExchange) expect(output).toContain(line);
    }
  });

  it("refuses an unknown framing with a message naming the choices", async () => {
    await expect(runSwap(["--framing", "morse"])).rejects.toThrow(
      /--framing must be all, length-prefix, newline, websocket; got "morse"/,
    );
  });
});
