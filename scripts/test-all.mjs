// The whole test suite: Node (vitest), real Chromium (vitest browser mode), real Deno (deno test), real Bun
// (bun test) and the consumer stage (scripts/consumer/run.mjs: the packed packages as users install them).
// Prints each runner's counts, then one line `N passed, N failed` summed over all runners.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";

const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" };
const run = (command, args, options = {}) => spawnSync(command, args, { stdio: "inherit", env, ...options });

const ensure = run(process.execPath, ["scripts/ensure-system-deps.mjs"]);
if (ensure.status !== 0) process.exit(ensure.status ?? 1);

// Built packages first (turbo, cached: instant when nothing changed): the Chromium tests' fixture servers run
// in vitest's global setup, which resolves our packages the way Node does, to their dist files.
const build = run(process.execPath, ["node_modules/turbo/bin/turbo", "run", "build", "--output-logs=errors-only"]);
if (build.status !== 0) process.exit(build.status ?? 1);

const totals = [];

// Node + Chromium: one vitest run over both projects, counted from its JSON report.
rmSync(".vitest-results", { recursive: true, force: true });
mkdirSync(".vitest-results", { recursive: true });
const vitest = run(process.execPath, [
  "node_modules/vitest/vitest.mjs",
  "run",
  "--reporter=default",
  "--reporter=json",
  "--outputFile.json=.vitest-results/results.json",
]);
try {
  const report = JSON.parse(readFileSync(".vitest-results/results.json", "utf8"));
  const byProject = { node: { passed: 0, failed: 0 }, browser: { passed: 0, failed: 0 } };
  for (const file of report.testResults) {
    const project = file.name.includes(".browser.test.") ? "browser" : "node";
    for (const test of file.assertionResults) {
      if (test.status === "passed") byProject[project].passed++;
      else if (test.status === "failed") byProject[project].failed++;
    }
    // A file that failed to load has no assertion results: count it as a failure.
    if (file.status === "failed" && file.assertionResults.length === 0) byProject[project].failed++;
  }
  totals.push({ runner: "vitest (Node)", ...byProject.node });
  totals.push({ runner: "vitest (Chromium)", ...byProject.browser });
  if (vitest.status !== 0 && byProject.node.failed + byProject.browser.failed === 0) {
    totals.push({ runner: "vitest (exit status)", passed: 0, failed: 1 });
  }
} catch (error) {
  console.error(`Could not read vitest's report: ${error.message}`);
  totals.push({ runner: "vitest", passed: 0, failed: 1 });
}

// Deno: its summary line reads `ok | 12 passed | 0 failed (1s)` or `FAILED | 11 passed | 1 failed`.
const deno = run(process.execPath, ["scripts/test-deno.mjs"], {
  stdio: ["inherit", "pipe", "inherit"],
  encoding: "utf8",
});
process.stdout.write(deno.stdout ?? "");
const summaries = [
  ...(deno.stdout ?? "").matchAll(/(?:ok|FAILED) \| (\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed/g),
];
const denoSummary = summaries.at(-1);
if (denoSummary) {
  const failed = Number(denoSummary[2]) + (deno.status !== 0 && Number(denoSummary[2]) === 0 ? 1 : 0);
  totals.push({ runner: "deno test", passed: Number(denoSummary[1]), failed });
} else {
  totals.push({ runner: "deno test", passed: 0, failed: 1 });
}

// Bun: `bun test` ends with ` 25 pass` and ` 0 fail` lines (its own summary, one per run).
const bun = run(process.execPath, ["scripts/test-bun.mjs"], {
  stdio: ["inherit", "inherit", "pipe"],
  encoding: "utf8",
});
process.stderr.write(bun.stderr ?? "");
const bunPassed = (bun.stderr ?? "").match(/^ (\d+) pass$/m);
const bunFailed = (bun.stderr ?? "").match(/^ (\d+) fail$/m);
if (bunPassed && bunFailed) {
  const failed = Number(bunFailed[1]) + (bun.status !== 0 && Number(bunFailed[1]) === 0 ? 1 : 0);
  totals.push({ runner: "bun test", passed: Number(bunPassed[1]), failed });
} else {
  totals.push({ runner: "bun test", passed: 0, failed: 1 });
}

// Consumer stage: the packed tarballs installed outside the workspace, run from Node ESM/CommonJS, strict
// TypeScript (README blocks), Deno (npm: and JSR layouts), Chromium; attw + publint. Ends `N passed, N failed`.
const consumer = run(process.execPath, ["scripts/consumer/run.mjs"], {
  stdio: ["inherit", "pipe", "inherit"],
  encoding: "utf8",
});
process.stdout.write(consumer.stdout ?? "");
const consumerSummary = [...(consumer.stdout ?? "").matchAll(/^(\d+) passed, (\d+) failed$/gm)].at(-1);
totals.push({
  runner: "consumer (tarballs)",
  passed: consumerSummary ? Number(consumerSummary[1]) : 0,
  failed: consumerSummary
    ? Number(consumerSummary[2]) + (consumer.status !== 0 && consumerSummary[2] === "0" ? 1 : 0)
    : 1,
});

console.log("\nTest runners:");
for (const t of totals) console.log(`  ${t.runner.padEnd(22)} ${t.passed} passed, ${t.failed} failed`);
const passed = totals.reduce((sum, t) => sum + t.passed, 0);
const failed = totals.reduce((sum, t) => sum + t.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
