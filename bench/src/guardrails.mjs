// Issue 19's guardrails in one run: this checkout ("after") against another built checkout ("before") and the
// peer libraries, measured by the same load client in rotated rounds, printed (and written as .md and .json)
// as one markdown table. Per framing, at one connection: 64 B msg/s and server CPU µs per message, before and
// after; 64 KiB server CPU µs per message, before, after and the peer's (ws, it-length-prefixed, split2); then
// idle memory per connection at 5,000 connections, before, after and ws's.
//
//   node bench/src/guardrails.mjs --against /path/to/other/checkout [--rounds 7] [--out bench/results/guardrails]
//        [--framings websocket,length-prefix,newline] [--duration 3000] [--warmup 1000] [--slices 3]
//        [--skip-memory]
//
// Each round gives every server `--duration` ms counted, cut into `--slices` windows taken in turns with the
// others' (see paired-rounds.mjs). Both checkouts must be installed and built. Linux only (/proc). About 10
// minutes with the defaults on 2 cores.
import { writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { guardrailsMarkdown, judgeFraming } from "./guardrails-report.mjs";
import { idlePlan, measureIdle } from "./memory.mjs";
import {
  loadAverage,
  measureRounds,
  pairedFramings,
  parseFramings,
  participantSummary,
  ratioSpread,
  serversDir,
  stageCheckouts,
  startPeer,
  startStaged,
} from "./paired-rounds.mjs";
import { repoRoot } from "./processes.mjs";

const { values } = parseArgs({
  options: {
    against: { type: "string" },
    rounds: { type: "string", default: "7" },
    out: { type: "string", default: "bench/results/guardrails" },
    framings: { type: "string", default: "websocket,length-prefix,newline" },
    duration: { type: "string", default: "3000" },
    warmup: { type: "string", default: "1000" },
    slices: { type: "string", default: "3" },
    "skip-memory": { type: "boolean", default: false },
  },
});
if (!values.against) {
  console.error(
    "usage: node bench/src/guardrails.mjs --against /path/to/other/checkout [options] (see the file's head)",
  );
  process.exit(2);
}

const SMALL = 64;
const LARGE = 64 * 1024;
const plan = {
  framings: parseFramings(values.framings),
  rounds: Number(values.rounds),
  durationMs: Number(values.duration),
  warmupMs: Number(values.warmup),
  slices: Number(values.slices),
};
const sides = stageCheckouts(values.against, ["ws.mjs", ...plan.framings.map((f) => pairedFramings[f].file)]);
const [base, head] = sides;
for (const side of sides) side.label = `${side.name} ${side.commit}`;
const progress = () => process.stdout.write(".");

/** CPU per message after ÷ before, round by round, and in how many rounds after spent more. */
function cpuComparison(rounds) {
  return {
    ratio: ratioSpread(rounds, "head", "base", "cpu"),
    higherInRounds: rounds.filter((r) => r.head.cpu > r.base.cpu).length,
    rounds: rounds.length,
  };
}

/** 64 B: before and after only (the goals at this size are against today's code, not a peer). */
async function measureSmall(framing) {
  const rounds = await measureRounds([base, head], framing, SMALL, plan, progress);
  return {
    base: participantSummary(rounds, "base"),
    head: participantSummary(rounds, "head"),
    rateRatio: ratioSpread(rounds, "head", "base", "rate"),
    cpu: cpuComparison(rounds),
    rounds,
  };
}

/** 64 KiB: before, after and the peer, rotated among the three. */
async function measureLarge(framing) {
  const peer = { name: "peer", label: pairedFramings[framing].peer.name, running: await startPeer(framing) };
  try {
    const rounds = await measureRounds([base, head, peer], framing, LARGE, plan, progress);
    return {
      base: participantSummary(rounds, "base"),
      head: participantSummary(rounds, "head"),
      peer: participantSummary(rounds, "peer"),
      cpu: cpuComparison(rounds),
      peerRatio: ratioSpread(rounds, "head", "peer", "cpu"),
      rounds,
    };
  } finally {
    await peer.running.stop();
  }
}

/** Idle memory of each framing's before and after server, and of ws once (the bound for all of them). */
async function measureMemory() {
  const idle = idlePlan();
  const byFraming = {};
  const measure = async (id, dir, file, args, handshake) => {
    const server = { id, name: id, args: [path.join(dir, file), "0", ...args], handshake };
    const row = await measureIdle(server, idle.count, idle.warm, idle.fileLimit);
    process.stdout.write(".");
    return row;
  };
  const ws = await measure("ws", serversDir, "ws.mjs", [], true);
  for (const framing of plan.framings) {
    const { file, args, handshake = false } = pairedFramings[framing];
    // Alternate which side goes first, as the throughput rounds do.
    const order = plan.framings.indexOf(framing) % 2 === 0 ? [base, head] : [head, base];
    byFraming[framing] = { ws };
    for (const side of order) {
      byFraming[framing][side.name] = await measure(`${framing}-${side.name}`, side.staged, file, args, handshake);
    }
  }
  return { count: idle.count, warm: idle.warm, fileLimit: idle.limit, ws, byFraming };
}

const started = new Date();
const loadBefore = loadAverage();
console.log(`guardrails: before ${base.root} (${base.commit}), after ${head.root} (${head.commit})`);
console.log(`  load ${loadBefore.join(" ")}; ${os.cpus().length} CPUs; Node ${process.version}`);
const rows = [];
for (const framing of plan.framings) {
  const row = { framing, peerName: pairedFramings[framing].peer.name };
  base.running = await startStaged(base, framing);
  try {
    head.running = await startStaged(head, framing);
    try {
      process.stdout.write(`${framing}@64 `);
      row.small = await measureSmall(framing);
      process.stdout.write(` ${framing}@64k `);
      row.large = await measureLarge(framing);
      console.log(` ${Math.round((Date.now() - started) / 1000)} s`);
    } finally {
      await head.running.stop();
    }
  } finally {
    await base.running.stop();
  }
  rows.push(row);
}
let memory;
if (!values["skip-memory"]) {
  process.stdout.write("idle memory ");
  memory = await measureMemory();
  for (const row of rows) row.memory = memory.byFraming[row.framing];
  console.log(` ${Math.round((Date.now() - started) / 1000)} s`);
}

const clientBusyMax = Math.max(
  ...rows.flatMap((r) => [r.small, r.large].flatMap((c) => [c.base, c.head, c.peer].map((p) => p?.clientBusyMax ?? 0))),
);
const report = {
  kind: "guardrails",
  issue: 19,
  date: started.toISOString(),
  command: `node bench/src/guardrails.mjs ${process.argv.slice(2).join(" ")}`,
  machine: {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model,
    node: process.version,
    loadBefore,
    loadAfter: loadAverage(),
  },
  base: { root: base.root, commit: base.commit },
  head: { root: head.root, commit: head.commit },
  plan: { ...plan, connections: 1, sizes: [SMALL, LARGE] },
  seconds: Math.round((Date.now() - started) / 1000),
  clientBusyMax,
  rows: rows.map((row) => ({ ...row, verdicts: judgeFraming(row) })),
  ...(memory ? { memory: { count: memory.count, warm: memory.warm, fileLimit: memory.fileLimit } } : {}),
};
const markdown = guardrailsMarkdown(report);
console.log(`\n${markdown}`);
const out = path.resolve(repoRoot, values.out);
writeFileSync(`${out}.md`, markdown);
writeFileSync(`${out}.json`, `${JSON.stringify(report, null, 2)}\n`);
console.log(`wrote ${path.relative(repoRoot, out)}.md and .json`);
process.exit(0);
