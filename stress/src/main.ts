/**
 * `pnpm stress`: fuzzing (100k cases per decoder), bounded-memory runs and the 30-second load runs
 * (5,000 connections per framing on Node, 1,000 on Deno). Writes stress/results/latest.json (a run with
 * any flag writes partial.json instead, so a short run never replaces the committed full run) and exits
 * non-zero if any promise was broken.
 *
 * Flags: --duration <s> (30), --connections <n> (5000), --deno-connections <n> (1000), --fuzz-cases <n> (100000),
 *        --only <framing>, --skip <fuzz|memory|held|load|deno>
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { type Driver, drivers } from "./drivers.ts";
import { fuzzDecoder } from "./fuzz.ts";
import { type HeldMemoryResult, measureHeldMemory } from "./held-memory.ts";
import { type LoadResult, runLoad } from "./load.ts";
import { type MemoryResult, pushAtNonIteratingConsumer, pushAtNonReadingPeer } from "./memory.ts";

// `pnpm stress -- --duration 5` hands the script a literal "--" first: skip it rather than refuse the flags.
const args = process.argv.slice(2);
if (args[0] === "--") args.shift();

const { values } = parseArgs({
  args,
  options: {
    duration: { type: "string", default: "30" },
    connections: { type: "string", default: "5000" },
    "deno-connections": { type: "string", default: "1000" },
    "fuzz-cases": { type: "string", default: "100000" },
    only: { type: "string" },
    skip: { type: "string", multiple: true, default: [] },
  },
});
const skip = new Set(values.skip);

async function available(driver: Driver): Promise<boolean> {
  try {
    await driver.framing();
    return true;
  } catch (error) {
    console.log(`- ${driver.name}: not available (${(error as Error).message.split("\n")[0]})`);
    return false;
  }
}

const selected: Driver[] = [];
for (const driver of drivers)
  if ((!values.only || values.only === driver.name) && (await available(driver))) selected.push(driver);

const report: {
  date: string;
  node: string;
  cores: number;
  fuzz: unknown[];
  memory: MemoryResult[];
  held: HeldMemoryResult[];
  load: LoadResult[];
} = {
  date: new Date().toISOString(),
  node: process.version,
  cores: (await import("node:os")).availableParallelism(),
  fuzz: [],
  memory: [],
  held: [],
  load: [],
};
let failed = false;

if (!skip.has("fuzz")) {
  for (const driver of selected) {
    const result = await fuzzDecoder(driver, Number(values["fuzz-cases"]));
    report.fuzz.push(result);
    failed ||= !result.ok;
    console.log(`fuzz ${driver.name}: ${result.cases} cases ${result.ok ? "ok" : `FAILED: ${result.failure}`}`);
  }
}

if (!skip.has("memory")) {
  for (const driver of selected) {
    for (const scenario of [pushAtNonReadingPeer, pushAtNonIteratingConsumer]) {
      const result = await scenario(driver);
      report.memory.push(result);
      failed ||= !result.ok;
      console.log(
        `memory ${driver.name}: ${result.scenario}: max RSS growth ${result.maxRssGrowthMiB} MiB (bound ${result.boundMiB}) ${result.ok ? "ok" : "FAILED"}`,
      );
    }
  }
}

if (!skip.has("held")) {
  const runtimes: Array<"node" | "deno"> = skip.has("deno") ? ["node"] : ["node", "deno"];
  for (const runtime of runtimes) {
    for (const driver of selected) {
      for (const result of await measureHeldMemory(driver, runtime)) {
        report.held.push(result);
        failed ||= !result.ok;
        console.log(
          `held ${driver.name} on ${runtime}: ${result.messageBytes / 1024} KiB messages, non-reading peer: ` +
            `${result.heldPerConnectionMiB} MiB held per connection after ${result.pushedPerConnectionMiB} MiB sent ` +
            `(bound ${result.boundMiB}) ${result.ok ? "ok" : "FAILED"}`,
        );
      }
    }
  }
}

if (!skip.has("load")) {
  const runs: Array<{ runtime: "node" | "deno"; connections: number }> = [
    { runtime: "node", connections: Number(values.connections) },
  ];
  if (!skip.has("deno")) runs.push({ runtime: "deno", connections: Number(values["deno-connections"]) });
  for (const run of runs) {
    for (const driver of selected) {
      if (
        run.runtime === "deno" &&
        !existsSync(new URL(`../../packages/${driver.name}/src/deno.ts`, import.meta.url))
      ) {
        console.log(`load ${driver.name} on deno: no Deno adapter in this checkout, not run`);
        continue;
      }
      const result = await runLoad(driver, {
        runtime: run.runtime,
        connections: run.connections,
        durationMs: Number(values.duration) * 1000,
        inFlight: 4,
      });
      report.load.push(result);
      const ok = result.problems.length === 0 && result.connections === run.connections;
      failed ||= !ok;
      console.log(
        `load ${driver.name} on ${run.runtime}: ${result.connections} connections, ${result.messages} messages, ` +
          `${result.messagesPerSecond} msg/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms ${ok ? "ok" : `FAILED: ${result.problems.join("; ")}`}`,
      );
    }
  }
}

const resultFile = args.length === 0 ? "latest.json" : "partial.json";
mkdirSync(new URL("../results", import.meta.url), { recursive: true });
writeFileSync(new URL(`../results/${resultFile}`, import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
console.log(`\nstress: ${failed ? "FAILED" : "all promises kept"} (results in stress/results/${resultFile})`);
process.exit(failed ? 1 : 0);
