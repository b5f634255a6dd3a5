// `pnpm bench`: echo throughput of framed's servers next to the peer libraries and a plain TCP echo,
// measured in one run by one load client and reported as ratios; then codec-only and idle-memory runs.
//
//   --quick              64 B and 64 KiB, one connection, 1 s per case, no memory or fan-out run (under a minute)
//   --json FILE          where the JSON report goes (default: bench/results/latest.json for a complete run,
//                        partial.json otherwise; relative to the repo root); the SVG chart goes next to it
//   --profile CASE       one case with the server under `node --cpu-prof`, e.g. framed-newline-node@64
//   --only FRAMINGS      length-prefix,newline,websocket (comma-separated)
//   --servers IDS        only these servers (the ceiling always runs), e.g. framed-websocket-node,ws
//   --skip PARTS         echo,codec,memory,fanout
//   --sizes LIST         e.g. 64,1k,64k,1m      --conns LIST   e.g. 1,100
//   --rounds N           samples per server and case (the median is reported)
//   --duration MS        measured time per sample  --warmup MS   warm-up before each sample
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, isAbsolute, resolve } from "node:path";
import { parseArgs } from "node:util";
import { bunBinary } from "../../scripts/bun-binary.mjs";
import { allServerIds, ceiling, ceilingTwin, groups } from "./cases.mjs";
import { renderChart } from "./chart.mjs";
import { runEchoBench } from "./echo.mjs";
import { repoRoot } from "./processes.mjs";
import { parseCase, runProfile } from "./profile.mjs";
import { writeReadmes } from "./readme.mjs";
import {
  blockLines,
  ceilingChecks,
  compare,
  formatSize,
  NOISY_SPREAD,
  tableHeader,
  verdictLines,
  verdicts,
} from "./report.mjs";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    json: { type: "string" },
    profile: { type: "string" },
    only: { type: "string" },
    servers: { type: "string" },
    skip: { type: "string", default: "" },
    sizes: { type: "string" },
    conns: { type: "string" },
    rounds: { type: "string" },
    duration: { type: "string" },
    warmup: { type: "string" },
  },
});

const list = (text) =>
  text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
const parseSize = (text) => {
  const match = /^(\d+)(k|m)?$/i.exec(text);
  if (!match) throw new Error(`cannot read size "${text}"`);
  return Number(match[1]) * (match[2] ? (match[2].toLowerCase() === "k" ? 1024 : 1 << 20) : 1);
};

const quick = values.quick;
const profiling = values.profile !== undefined;
// Quick: 2 rounds × 0.5 s per server (1 s measured); full: 5 rounds × 0.6 s (3 s: more pairs for the per-round ratios); a profile: 1 round × 5 s.
const plan = {
  quick,
  groups: values.only ? groups.filter((g) => list(values.only).includes(g.framing)) : groups,
  servers: values.servers ? new Set(list(values.servers)) : undefined,
  sizes: values.sizes ? list(values.sizes).map(parseSize) : quick ? [64, 65536] : [64, 1024, 65536, 1 << 20],
  conns: values.conns ? list(values.conns).map(Number) : quick ? [1] : [1, 100],
  rounds: Number(values.rounds ?? (profiling ? 1 : quick ? 2 : 5)),
  durationMs: Number(values.duration ?? (profiling ? 5000 : quick ? 500 : 600)),
  warmupMs: Number(values.warmup ?? (quick ? 200 : 300)),
  firstWarmupMs: Number(values.warmup ?? (profiling ? 1000 : quick ? 300 : 1000)),
  skip: new Set(list(values.skip)),
};
if (plan.groups.length === 0) throw new Error(`--only: no framing among ${groups.map((g) => g.framing).join(", ")}`);
for (const id of plan.servers ?? []) {
  if (!allServerIds().includes(id))
    throw new Error(`--servers: unknown "${id}"; servers: ${allServerIds().join(", ")}`);
}

const machine = {
  cores: os.availableParallelism(),
  cpu: os.cpus()[0]?.model?.trim(),
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  platform: `${os.platform()} ${os.release()} ${os.arch()}`,
};
// The Bun version, when Bun servers are in the plan (their figures are quoted with it).
const measuresBun = plan.groups.some((g) =>
  g.servers.some((server) => server.runtime === "bun" && (plan.servers === undefined || plan.servers.has(server.id))),
);
if (measuresBun && !profiling) {
  const bun = spawnSync(bunBinary(), ["--version"], { encoding: "utf8", timeout: 10_000 });
  if (bun.status === 0) machine.bun = bun.stdout.trim();
}
const started = Date.now();
const loadAtStart = os.loadavg()[0];

if (values.profile) {
  parseCase(values.profile); // fail fast on a bad case name
  await runProfile(values.profile, plan);
  process.exit(0);
}

console.log(
  `framed bench${quick ? " (quick)" : ""}: ${machine.cores} cores (${machine.cpu}), Node ${machine.node}, ${new Date().toISOString()}`,
);
console.log(
  `one load client process per case, taking turns over the servers: ${plan.rounds} rounds × ${plan.durationMs} ms measured ` +
    `(after ${plan.firstWarmupMs} ms warm-up in round 1, ${plan.warmupMs} ms later), median reported; 256 messages in ` +
    "flight per connection (fewer where that would pass 64 MiB in flight); ratio = median over rounds of ours ÷ the other server measured in the same round.\n",
);

if (loadAtStart > 0.5)
  console.log(
    `note: the 1-minute load average is ${loadAtStart.toFixed(2)} before starting: other processes are busy, figures will be noisier.\n`,
  );

const names = new Map([ceiling, ceilingTwin, ...groups.flatMap((g) => g.servers)].map((s) => [s.id, s.name]));
const nameOf = (id) => names.get(id) ?? id;

let results = [];
if (!plan.skip.has("echo")) {
  console.log(tableHeader());
  results = await runEchoBench(plan, (block) => {
    const { size, conns } = block[0];
    if (block.some((r) => r.inflight < 256))
      console.log(`  (${formatSize(size)} × ${conns}: ${block[0].inflight} in flight per connection)`);
    for (const text of blockLines(block, compare(block, plan.groups))) console.log(text);
    console.log("");
  });
}
const comparisons = compare(results, plan.groups);
const checks = ceilingChecks(results);
const targets = plan.skip.has("echo") ? [] : verdicts(comparisons, plan, checks);

let codec = [];
if (!plan.skip.has("codec")) {
  const { runCodecBench } = await import("./codec.mjs");
  codec = await runCodecBench({ quick });
}
let memory;
if (!plan.skip.has("memory") && !quick) {
  const { runMemoryBench } = await import("./memory.mjs");
  memory = await runMemoryBench();
}
// Fan-out (issue 21): @framed/topics against the `ws` loop over clients, 1,000 subscribers, 64-byte messages.
let fanout;
if (!plan.skip.has("fanout") && !quick) {
  const { runFanoutBench } = await import("./fanout.mjs");
  fanout = await runFanoutBench();
  console.log(`\nFan-out, ${fanout.messages} × 64 B to ${fanout.subscribers} WebSocket subscribers (deliveries/s):`);
  for (const row of fanout.rows) {
    const perSubscriber = `${Math.round(row.bytesPerSubscriber)} B heap/subscriber`;
    console.log(`  ${row.id.padEnd(20)} ${(row.deliveriesPerSecond / 1e6).toFixed(2)}M  ${perSubscriber}`);
  }
  console.log(`  framed-topics / ws-loop: ${fanout.ratio.toFixed(2)}× (target ≥ 5×)`);
  if (fanout.ratioToBun !== undefined) {
    console.log(`  framed-topics / bun-publish: ${fanout.ratioToBun.toFixed(2)}× (target ≥ 0.5×)`);
  }
}

// The memory target joins the throughput ones (a ratio that must stay at or under its target).
for (const c of memory?.comparisons ?? []) {
  if (c.target === undefined) continue;
  targets.push({
    framing: "websocket",
    issue: c.issue,
    measure: "idle RSS/conn",
    size: 0,
    ours: c.ours,
    against: c.against,
    target: c.target,
    atMost: true,
    ratio: c.ratio,
    met: c.met,
    shortBy: c.overBy,
  });
}

if (targets.length > 0) {
  console.log(
    `\nTargets (issues 3, 4, 5: throughput at one connection on Node, 256 in flight${memory ? "; idle memory" : ""}; issue 23: on Bun):`,
  );
  for (const text of verdictLines(targets, nameOf)) console.log(text);
}
if (comparisons.some((c) => c.noisy))
  console.log(
    `~ marks a ratio whose per-round values moved more than ${NOISY_SPREAD * 100}% between rounds (busy machine): rerun before acting on it.`,
  );

const report = {
  date: new Date().toISOString(),
  command: process.argv.slice(2),
  machine,
  loadAverage: { atStart: +loadAtStart.toFixed(2), atEnd: +os.loadavg()[0].toFixed(2) },
  quick,
  plan: {
    sizes: plan.sizes,
    conns: plan.conns,
    rounds: plan.rounds,
    durationMs: plan.durationMs,
    warmupMs: plan.warmupMs,
    firstWarmupMs: plan.firstWarmupMs,
    inflightPerConnection: 256,
    maxBytesInFlight: 64 * 1024 * 1024,
  },
  results,
  comparisons,
  ceilingChecks: checks,
  targets,
  codec,
  memory,
  fanout,
  seconds: Math.round((Date.now() - started) / 1000),
};
// Only a complete default run is committed (latest.json) and quoted in the package READMEs; partial and quick
// runs are for development and go to partial.json unless --json says otherwise.
const completeRun = !quick && !values.only && !values.servers && !values.sizes && !values.conns && plan.skip.size === 0;
const jsonPath = values.json
  ? isAbsolute(values.json)
    ? values.json
    : resolve(repoRoot, values.json)
  : resolve(repoRoot, completeRun ? "bench/results/latest.json" : "bench/results/partial.json");
mkdirSync(dirname(jsonPath), { recursive: true });
writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
const svgPath = `${jsonPath.replace(/\.json$/, "")}.svg`;
writeFileSync(svgPath, renderChart(report, nameOf));
console.log(`\n${report.seconds} s. Results: ${jsonPath}\n           chart: ${svgPath}`);
if (completeRun) for (const file of writeReadmes(report)) console.log(`README: ${file}`);
process.exit(0);
