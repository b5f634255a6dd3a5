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
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { inflightFor } from "./cases.mjs";
import { fileLimitFor, IDLE_CONNECTIONS, measureIdle, WARMUP_CONNECTIONS } from "./memory.mjs";
import { repoRoot, runJsonProcess, startServer } from "./processes.mjs";

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

const serversDir = fileURLToPath(new URL("./servers/", import.meta.url));
const clientScript = fileURLToPath(new URL("./client.mjs", import.meta.url));
/** The throughput guardrail (issue 19): head within 5% of base. */
const MAX_SLOWDOWN = 0.05;

const framings = {
  websocket: { file: "framed-websocket.mjs", args: [], wire: "ws", handshake: true, pkg: "websocket" },
  "length-prefix": { file: "framed-length-prefix.mjs", args: ["varint"], wire: "lp-varint", pkg: "length-prefix" },
  newline: { file: "framed-newline.mjs", args: [], wire: "newline", pkg: "newline" },
};
const parseSize = (text) => Number(text.replace(/k$/i, "")) * (/k$/i.test(text) ? 1024 : 1);
const plan = {
  framings: values.framings.split(",").map((name) => {
    if (!framings[name]) throw new Error(`unknown framing ${name}; one of ${Object.keys(framings).join(", ")}`);
    return name;
  }),
  sizes: values.sizes.split(",").map(parseSize),
  rounds: Number(values.rounds),
  durationMs: Number(values.duration),
  warmupMs: Number(values.warmup),
};

const sides = [
  { name: "base", root: path.resolve(values.against) },
  { name: "head", root: repoRoot.replace(/\/$/, "") },
];

// The same program files for both sides, copied where Node's resolution of "@framed/…" walks up to that
// checkout's bench/node_modules (whose @framed/* link to its packages and their dist). node_modules is
// ignored by git, and the copies are removed when the run ends.
for (const side of sides) {
  side.staged = path.join(side.root, "bench", "node_modules", ".paired-servers");
  mkdirSync(side.staged, { recursive: true });
  for (const file of ["serve.mjs", ...new Set(plan.framings.map((f) => framings[f].file)), "ws.mjs"]) {
    copyFileSync(path.join(serversDir, file), path.join(side.staged, file));
  }
  side.commit = execFileSync("git", ["-C", side.root, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
}
process.on("exit", () => {
  for (const side of sides) rmSync(side.staged, { recursive: true, force: true });
});

const load = () => os.loadavg().map((n) => +n.toFixed(2));
const spread = (xs) => {
  const finite = xs.filter((x) => Number.isFinite(x));
  return { median: medianOf(finite), min: Math.min(...finite), max: Math.max(...finite) };
};
/** Median without rounding (echo.mjs's rounds to an integer, fine for msg/s, not for µs or ratios). */
function medianOf(xs) {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function startSide(side, framing) {
  const { file, args } = framings[framing];
  return startServer(process.execPath, [path.join(side.staged, file), "0", ...args], { timeoutMs: 15_000 });
}

/** One client process, one sample per server in `order` (each alone on the CPU while measured). */
async function sample(order, framing, size, { durationMs, warmupMs }) {
  const { wire, handshake } = framings[framing];
  const result = await runJsonProcess(
    clientScript,
    [
      "--targets",
      order.map((s) => `${s.running.port}${handshake ? ":ws" : ""}`).join(","),
      ...["--kind", wire, "--size", String(size), "--conns", "1", "--inflight", String(inflightFor(size, 1))],
      ...["--rounds", "1", "--duration", String(durationMs), "--warmup", String(warmupMs)],
      ...["--pause", order.map((s) => s.running.pid).join(",")],
      ...["--cpu-pids", order.map((s) => s.running.pid).join(",")],
    ],
    { timeoutMs: order.length * (durationMs + warmupMs + 5000) + 10_000 },
  );
  return order.map((side, i) => {
    const target = result.targets[i];
    if (target.error) throw new Error(`${side.name} (${side.commit}) ${framing}@${size}: ${target.error}`);
    return {
      side: side.name,
      rate: target.samples[0],
      cpu: target.cpuMicrosPerMessage[0],
      messages: target.messages[0],
    };
  });
}

async function measureCase(framing, size) {
  const [base, head] = sides;
  // One unrecorded round first, so neither side's first sample pays for its JIT warm-up.
  await sample([base, head], framing, size, { durationMs: 1000, warmupMs: 500 });
  const rounds = [];
  for (let r = 0; r < plan.rounds; r++) {
    const order = r % 2 === 0 ? [base, head] : [head, base];
    const loadavg = load();
    try {
      const got = await sample(order, framing, size, plan);
      const of = (name) => got.find((g) => g.side === name);
      rounds.push({ round: r + 1, order: order.map((s) => s.name), loadavg, base: of("base"), head: of("head") });
    } finally {
      for (const s of order) s.running.resume();
    }
    process.stdout.write(".");
  }
  const pick = (name, key) => rounds.map((r) => r[name][key]);
  const ratios = (key) => rounds.map((r) => r.head[key] / r.base[key]);
  const summary = {
    framing,
    size,
    base: { rate: spread(pick("base", "rate")), cpuMicrosPerMessage: spread(pick("base", "cpu")) },
    head: { rate: spread(pick("head", "rate")), cpuMicrosPerMessage: spread(pick("head", "cpu")) },
    rateRatio: spread(ratios("rate")),
    cpuRatio: spread(ratios("cpu")),
    headCpuHigherInRounds: rounds.filter((r) => r.head.cpu > r.base.cpu).length,
    rounds,
  };
  summary.rateOk = summary.rateRatio.median >= 1 - MAX_SLOWDOWN;
  summary.cpuNotHigher = summary.cpuRatio.median <= 1;
  return summary;
}

const fmt = (n, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const range = (s, digits = 0) => `${fmt(s.median, digits)} [${fmt(s.min, digits)}–${fmt(s.max, digits)}]`;

function printCase(c) {
  const sz = c.size >= 1024 ? `${c.size / 1024} KiB` : `${c.size} B`;
  console.log(`\n${c.framing} @ ${sz}, 1 connection, ${inflightFor(c.size, 1)} in flight, ${c.rounds.length} rounds`);
  console.log(`  msg/s    base ${range(c.base.rate)}   head ${range(c.head.rate)}`);
  console.log(`  µs/msg   base ${range(c.base.cpuMicrosPerMessage, 2)}   head ${range(c.head.cpuMicrosPerMessage, 2)}`);
  console.log(
    `  head ÷ base per round: msg/s ${range(c.rateRatio, 3)}${c.rateOk ? "" : "  (MORE THAN 5% SLOWER)"}` +
      `; CPU/msg ${range(c.cpuRatio, 3)} (head higher in ${c.headCpuHigherInRounds}/${c.rounds.length} rounds)`,
  );
}

async function runMemory() {
  const limit = fileLimitFor(IDLE_CONNECTIONS + WARMUP_CONNECTIONS + 256);
  const scale = Math.min(1, (limit - 256) / (IDLE_CONNECTIONS + WARMUP_CONNECTIONS));
  const count = Math.floor(IDLE_CONNECTIONS * scale);
  const warm = Math.floor(WARMUP_CONNECTIONS * scale);
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
      rows.push({ ...(await measureIdle({ ...server, args, handshake: true }, count, warm, count + warm + 256)) });
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
      `  ${row.name.padEnd(36)} RSS ${fmt(row.rssBytesPerConnection).padStart(6)} B/conn (${row.rssRatioToWs.toFixed(2)}× ws)` +
        `   heap+external ${fmt(row.heapBytesPerConnection).padStart(6)} B/conn`,
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
  base.running = await startSide(base, framing);
  try {
    head.running = await startSide(head, framing);
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
