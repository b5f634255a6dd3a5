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
import * as path from "node:path";
import { parseArgs } from "node:util";
import { bunBinary } from "../../scripts/bun-binary.mjs";
import { inflightFor } from "./cases.mjs";
import {
  loadAverage,
  measureRounds,
  pairedFramings,
  parseFramings,
  parseSize,
  participantSummary,
  ratioSpread,
  serversDir,
} from "./paired-rounds.mjs";
import { repoRoot, startServer } from "./processes.mjs";

/** Each framing's Bun server (the Node one and its arguments are in `pairedFramings`). */
const bunServerFiles = {
  websocket: "framed-websocket.bun.ts",
  "length-prefix": "framed-length-prefix.bun.ts",
  newline: "framed-newline.bun.ts",
};

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

const fmt = (n, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const range = (s, digits = 0) => `${fmt(s.median, digits)} [${fmt(s.min, digits)}–${fmt(s.max, digits)}]`;

async function measureCase(framing, size, conns) {
  const { file, args } = pairedFramings[framing];
  const node = await startServer(process.execPath, [path.join(serversDir, file), "0", ...args]);
  const bun = await startServer(bunBinary(), [path.join(serversDir, bunServerFiles[framing]), "0", ...args]);
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
  const sz = c.size >= 1024 ? `${c.size / 1024} KiB` : `${c.size} B`;
  const inflight = inflightFor(c.size, c.conns);
  console.log(`\n${c.framing} @ ${sz} × ${c.conns} conn, ${inflight} in flight each, ${c.rounds.length} rounds`);
  console.log(`  msg/s    node ${range(c.node.rate)}   bun ${range(c.bun.rate)}`);
  console.log(`  µs/msg   node ${range(c.node.cpuMicrosPerMessage, 2)}   bun ${range(c.bun.cpuMicrosPerMessage, 2)}`);
  console.log(
    `  bun ÷ node per round: msg/s ${range(c.rateRatio, 3)}; CPU/msg ${range(c.cpuRatio, 3)}` +
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
