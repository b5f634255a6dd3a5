// Paired comparison of this tree's Node servers against another checkout's (a regression guard): the same
// server program files run twice, each resolving @framed/* from its own checkout's built dist, and the bench
// client measures them alternately in rotated rounds (base, head; head, base; …). Reports medians with their
// min–max spread for messages per second and the server's CPU µs per message (utime + stime from /proc), and
// per-round head ÷ base ratios; with --memory, idle memory per connection of both WebSocket servers and ws.
//
//   node bench/src/paired.mjs --against /path/to/other/checkout [--framings websocket,length-prefix,newline]
//        [--sizes 64,64k] [--rounds 7] [--duration 4000] [--warmup 1000] [--memory] [--json FILE]
//
// "base" is the --against checkout, "head" this one; both must be installed and built. Linux only (/proc).

import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { inflightFor } from "./cases.mjs";
import { MAX_SLOWDOWN } from "./guardrails-report.mjs";
import { idlePlan, measureIdle } from "./memory.mjs";
import {
  measureRounds,
  pairedFramings,
  parseFramings,
  parseSize,
  participantSummary,
  ratioSpread,
  stageCheckouts,
  startStaged,
} from "./paired-rounds.mjs";
import { repoRoot } from "./processes.mjs";
import { formatNumber, formatSize, withSpread } from "./report.mjs";

const { values } = parseArgs({
  options: {
    against: { type: "string" },
    framings: { type: "string", default: "websocket,length-prefix,newline" },
    sizes: { type: "string", default: "64,64k" },
    rounds: { type: "string", default: "7" },
    duration: { type: "string", default: "4000" },
    warmup: { type: "string", default: "1000" },
    memory: { type: "boolean", default: false },
    json: { type: "string" },
  },
});
if (!values.against) {
  console.error("usage: node bench/src/paired.mjs --against /path/to/other/checkout [options] (see the file's head)");
  process.exit(2);
}

const plan = {
  framings: parseFramings(values.framings),
  sizes: values.sizes.split(",").map(parseSize),
  rounds: Number(values.rounds),
  durationMs: Number(values.duration),
  warmupMs: Number(values.warmup),
};

const sides = stageCheckouts(values.against, [...plan.framings.map((f) => pairedFramings[f].file), "ws.mjs"]);

async function measureCase(framing, size) {
  const [base, head] = sides;
  const rounds = await measureRounds([base, head], framing, size, plan, () => process.stdout.write("."));
  const summary = {
    framing,
    size,
    base: participantSummary(rounds, "base"),
    head: participantSummary(rounds, "head"),
    rateRatio: ratioSpread(rounds, "head", "base", "rate"),
    cpuRatio: ratioSpread(rounds, "head", "base", "cpu"),
    headCpuHigherInRounds: rounds.filter((r) => r.head.cpu > r.base.cpu).length,
    rounds,
  };
  summary.rateOk = summary.rateRatio.median >= 1 - MAX_SLOWDOWN;
  summary.cpuNotHigher = summary.cpuRatio.median <= 1;
  return summary;
}

function printCase(c) {
  console.log(
    `\n${c.framing} @ ${formatSize(c.size)}, 1 connection, ${inflightFor(c.size, 1)} in flight, ${c.rounds.length} rounds`,
  );
  console.log(`  msg/s    base ${withSpread(c.base.rate)}   head ${withSpread(c.head.rate)}`);
  console.log(
    `  µs/msg   base ${withSpread(c.base.cpuMicrosPerMessage, 2)}   head ${withSpread(c.head.cpuMicrosPerMessage, 2)}`,
  );
  console.log(
    `  head ÷ base per round: msg/s ${withSpread(c.rateRatio, 3)}${c.rateOk ? "" : "  (MORE THAN 5% SLOWER)"}` +
      `; CPU/msg ${withSpread(c.cpuRatio, 3)} (head higher in ${c.headCpuHigherInRounds}/${c.rounds.length} rounds)`,
  );
}

async function runMemory() {
  const { count, warm, fileLimit } = idlePlan();
  const servers = [
    ...sides.map((s) => ({
      id: `framed-websocket-${s.name}`,
      name: `framed websocket (${s.name} ${s.commit})`,
      dir: s.staged,
      file: "framed-websocket.mjs",
    })),
    { id: "ws", name: "ws (bufferutil)", dir: sides[1].staged, file: "ws.mjs" },
  ];
  const rows = [];
  for (const server of servers) {
    const args = [path.join(server.dir, server.file), "0"];
    try {
      rows.push({ ...(await measureIdle({ ...server, args, handshake: true }, count, warm, fileLimit)) });
    } catch (error) {
      console.log(`  ${server.name}: ${error.message}`);
      return { connections: count, warmup: warm, rows, error: `${server.name}: ${error.message}` };
    }
  }
  const ws = rows.at(-1);
  console.log(
    `\nIdle memory, ${count} connections on a server holding ${warm} (RSS and heap+external growth per connection):`,
  );
  for (const row of rows) {
    row.rssRatioToWs = row.rssBytesPerConnection / ws.rssBytesPerConnection;
    console.log(
      `  ${row.name.padEnd(36)} RSS ${formatNumber(row.rssBytesPerConnection).padStart(6)} B/conn (${row.rssRatioToWs.toFixed(2)}× ws)` +
        `   heap+external ${formatNumber(row.heapBytesPerConnection).padStart(6)} B/conn`,
    );
  }
  return { connections: count, warmup: warm, rows };
}

const started = new Date();
const uptimeBefore = execFileSync("uptime", { encoding: "utf8" }).trim();
console.log(`paired: base ${sides[0].root} (${sides[0].commit}) vs head ${sides[1].root} (${sides[1].commit})`);
console.log(`  ${uptimeBefore}; ${os.cpus().length} CPUs; Node ${process.version}`);
const cases = [];
for (const framing of plan.framings) {
  const [base, head] = sides;
  base.running = await startStaged(base, framing);
  try {
    head.running = await startStaged(head, framing);
    try {
      for (const size of plan.sizes) {
        process.stdout.write(`${framing}@${size} `);
        const c = await measureCase(framing, size);
        cases.push(c);
        printCase(c);
      }
    } finally {
      await head.running.stop();
    }
  } finally {
    await base.running.stop();
  }
}
const memory = values.memory ? await runMemory() : undefined;
const uptimeAfter = execFileSync("uptime", { encoding: "utf8" }).trim();
console.log(`\n  ${uptimeAfter}; ${Math.round((Date.now() - started) / 1000)} s`);

const report = {
  kind: "paired",
  date: started.toISOString(),
  command: `node bench/src/paired.mjs ${process.argv.slice(2).join(" ")}`,
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, uptimeBefore, uptimeAfter },
  base: { root: sides[0].root, commit: sides[0].commit },
  head: { root: sides[1].root, commit: sides[1].commit },
  plan: { ...plan, connections: 1, maxSlowdown: MAX_SLOWDOWN },
  seconds: Math.round((Date.now() - started) / 1000),
  cases,
  ...(memory ? { memory } : {}),
};
const out = path.resolve(repoRoot, values.json ?? "bench/results/partial-paired.json");
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
console.log(`  wrote ${path.relative(repoRoot, out)}`);
process.exit(0);
