// framed's own servers on Bun against the same servers on Node (issue 23: "framed's own core on Bun ahead of
// framed on Node"), in rotated paired rounds: one client process per round measures both, each alone on the CPU,
// and reads each server's CPU µs per message from /proc, which moves less than msg/s on a machine where the load
// client shares the two cores with the server. Reports medians with their min–max spread and per-round Bun ÷ Node.
//
//   node bench/src/paired-runtimes.mjs [--framings websocket,length-prefix,newline] [--sizes 64,64k]
//        [--conns 1,100] [--rounds 9] [--duration 1500] [--warmup 1000] [--json FILE]
//
// Both sides load this checkout's built dist (run `npx -y pnpm@10 build` first). Linux only (/proc).
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import * as os from "node:os";
import { parseArgs } from "node:util";
import { inflightFor, serverById } from "./cases.mjs";
import {
  loadAverage,
  measureRounds,
  parseFramings,
  parseSize,
  participantSummary,
  ratioSpread,
} from "./paired-rounds.mjs";
import { repoRoot, startServer } from "./processes.mjs";
import { formatSize, withSpread } from "./report.mjs";

const { values } = parseArgs({
  options: {
    framings: { type: "string", default: "websocket" },
    sizes: { type: "string", default: "64,64k" },
    conns: { type: "string", default: "1,100" },
    rounds: { type: "string", default: "9" },
    duration: { type: "string", default: "1500" },
    warmup: { type: "string", default: "1000" },
    json: { type: "string" },
  },
});

const plan = {
  framings: parseFramings(values.framings),
  sizes: values.sizes.split(",").map(parseSize),
  conns: values.conns.split(",").map(Number),
  rounds: Number(values.rounds),
  durationMs: Number(values.duration),
  warmupMs: Number(values.warmup),
};

async function measureCase(framing, size, conns) {
  const start = ({ command, args }) => startServer(command, args);
  const node = await start(serverById(`framed-${framing}-node`));
  const bun = await start(serverById(`framed-${framing}-bun`));
  try {
    const participants = [
      { name: "node", running: node },
      { name: "bun", running: bun },
    ];
    const rounds = await measureRounds(participants, framing, size, { ...plan, conns }, () =>
      process.stdout.write("."),
    );
    return {
      framing,
      size,
      conns,
      node: participantSummary(rounds, "node"),
      bun: participantSummary(rounds, "bun"),
      rateRatio: ratioSpread(rounds, "bun", "node", "rate"),
      cpuRatio: ratioSpread(rounds, "bun", "node", "cpu"),
      bunCpuHigherInRounds: rounds.filter((r) => r.bun.cpu > r.node.cpu).length,
      rounds,
    };
  } finally {
    await Promise.all([node.stop(), bun.stop()]);
  }
}

function printCase(c) {
  const inflight = inflightFor(c.size, c.conns);
  console.log(
    `\n${c.framing} @ ${formatSize(c.size)} × ${c.conns} conn, ${inflight} in flight each, ${c.rounds.length} rounds`,
  );
  console.log(`  msg/s    node ${withSpread(c.node.rate)}   bun ${withSpread(c.bun.rate)}`);
  console.log(
    `  µs/msg   node ${withSpread(c.node.cpuMicrosPerMessage, 2)}   bun ${withSpread(c.bun.cpuMicrosPerMessage, 2)}`,
  );
  console.log(
    `  bun ÷ node per round: msg/s ${withSpread(c.rateRatio, 3)}; CPU/msg ${withSpread(c.cpuRatio, 3)}` +
      ` (bun higher in ${c.bunCpuHigherInRounds}/${c.rounds.length} rounds)`,
  );
}

const startedAt = new Date().toISOString();
const commit = execFileSync("git", ["-C", repoRoot, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
const loadBefore = loadAverage();
console.log(
  `Bun ÷ Node at ${commit}, paired rounds; load average ${loadBefore.join(", ")} (${os.cpus().length} cores)`,
);
const cases = [];
for (const framing of plan.framings) {
  for (const size of plan.sizes) {
    for (const conns of plan.conns) {
      const measured = await measureCase(framing, size, conns);
      printCase(measured);
      cases.push(measured);
    }
  }
}
const loadAfter = loadAverage();
console.log(`\nload average at the end ${loadAfter.join(", ")}`);
if (values.json) {
  writeFileSync(values.json, `${JSON.stringify({ commit, startedAt, loadBefore, loadAfter, plan, cases }, null, 2)}\n`);
  console.log(`results: ${values.json}`);
}
process.exit(0);
