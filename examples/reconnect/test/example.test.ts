// Smoke test of `pnpm example reconnect`: the counter survives the server being killed and restarted, the
// counts made during the outage are queued, and every count is echoed once, in order.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const root = fileURLToPath(new URL("../../..", import.meta.url));

it("the example prints each state change and gets every count echoed once, in order, across the restart", async () => {
  const child = spawn(process.execPath, ["scripts/example.mjs", "reconnect", "--ticks", "9", "--interval", "80"], {
    cwd: root,
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const timer = setTimeout(() => child.kill("SIGTERM"), 50_000);
  const code = await new Promise((resolve) => child.once("exit", resolve));
  clearTimeout(timer);
  expect(code, output).toBe(0);
  const lines = output.split("\n");
  expect(lines).toContain("state: open (connection 1)");
  expect(lines).toContain("server: killed");
  expect(lines.some((line) => /^state: reconnecting \(retry 1 in \d+ ms\)$/.test(line))).toBe(true);
  expect(lines).toContain("state: open (connection 2)");
  expect(lines.filter((line) => line.endsWith(": queued")).length).toBeGreaterThan(0);
  const echoes = lines.filter((line) => line.startsWith("  echo: ")).map((line) => line.slice(8));
  expect(echoes).toEqual(Array.from({ length: 9 }, (_, i) => `count ${i + 1}`));
  expect(lines).toContain("done: 9 of 9 counts echoed");
}, 60_000); // two cold starts of the server process on a loaded machine
