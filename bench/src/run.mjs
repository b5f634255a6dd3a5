// `pnpm bench`: echo throughput of framed's servers next to the peer libraries and a plain TCP echo,
// measured in one run by one load client, reported as ratios. Also codec-only and idle-memory runs.
//
//   --quick            64 B and 64 KiB, one connection, 1 s per case (about a minute)
//   --json FILE        write the results as JSON (an SVG chart is written next to it)
//   --profile CASE     run one case with the server under `node --cpu-prof` (CASE: "framed length-prefix (node)@64")
//   --only FRAMING     length-prefix | newline | websocket
//   --skip memory,codec
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ceiling, groups, inflightFor } from "./cases.mjs";
import { renderChart } from "./chart.mjs";
import { repoRoot, runClient, startServer } from "./processes.mjs";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    json: { type: "string" },
    profile: { type: "string" },
    only: { type: "string" },
    skip: { type: "string", default: "" },
  },
});
const quick = values.quick;
const sizes = quick ? [64, 65536] : [64, 1024, 65536, 1048576];
const connCounts = quick ? [1] : [1, 100];
const duration = quick ? 1000 : 3000;
const warmup = quick ? 300 : 700;
const skip = new Set(values.skip.split(",").filter(Boolean));
const selected = groups.filter((g) => !values.only || g.framing === values.only);

async function measure(entry, kind, size, conns, { profileDir } = {}) {
  const args =
    profileDir && entry.command === process.execPath
      ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`, ...entry.args]
      : entry.args;
  let server;
  try {
    server = await startServer(entry.command, args);
  } catch (error) {
    return { error: error.message.split("\n").slice(0, 3).join(" ") };
  }
  try {
    const inflight = inflightFor(size, conns);
    const result = await runClient(
      [
        "--port",
        String(server.port),
        "--kind",
        kind,
        "--size",
        String(size),
        "--conns",
        String(conns),
        "--inflight",
        String(inflight),
        "--duration",
        String(duration),
        "--warmup",
        String(warmup),
      ],
      duration + warmup + 60_000,
    );
    return { ...result, inflight };
  } catch (error) {
    return { error: error.message };
  } finally {
    await server.stop();
  }
}

if (values.profile) {
  const [name, size = "64"] = values.profile.split("@");
  const group =
    groups.find((g) => [...g.ours, ...g.peers].some((s) => s.name === name)) ??
    (name === ceiling.name ? groups[0] : undefined);
  const entry = [...(group?.ours ?? []), ...(group?.peers ?? []), ceiling].find((s) => s.name === name);
  if (!group || !entry) {
    console.error(
      `unknown case "${name}"; cases: ${groups.flatMap((g) => [...g.ours, ...g.peers].map((s) => s.name)).join(", ")}, ${ceiling.name}`,
    );
    process.exit(2);
  }
  const profileDir = resolve(repoRoot, "bench/results/profiles");
  mkdirSync(profileDir, { recursive: true });
  const result = await measure(entry, group.kind, Number(size), 1, { profileDir });
  console.log(
    `${name} @ ${size} B: ${result.messagesPerSecond?.toLocaleString("en-US")} msg/s; CPU profile (.cpuprofile) in ${profileDir}`,
  );
  process.exit(0);
}

const results = [];
const verdicts = [];
const fmt = (n) => (n === undefined ? "—" : Math.round(n).toLocaleString("en-US"));
console.log(
  `framed bench ${quick ? "(quick) " : ""}on ${os.availableParallelism()} cores, Node ${process.version}, ${new Date().toISOString()}`,
);
console.log(
  `one load client, ${duration} ms per case after ${warmup} ms warm-up; in flight: 256 per connection (capped at 64 MiB in total)\n`,
);
console.log(
  `${"framing".padEnd(14)}${"size".padStart(8)}${"conns".padStart(6)}  ${"server".padEnd(30)}${"msg/s".padStart(12)}${"vs ceiling".padStart(12)}`,
);

for (const group of selected) {
  for (const size of sizes) {
    for (const conns of connCounts) {
      const rows = [];
      for (const entry of [ceiling, ...group.ours, ...group.peers]) {
        const result = await measure(entry, group.kind, size, conns);
        const row = {
          framing: group.framing,
          size,
          conns,
          server: entry.name,
          ours: group.ours.includes(entry),
          ceiling: entry === ceiling,
          messagesPerSecond: result.messagesPerSecond ?? 0,
          inflight: result.inflight,
          error: result.error,
        };
        rows.push(row);
        results.push(row);
      }
      const ceilingRate = rows[0].messagesPerSecond;
      for (const row of rows) {
        row.vsCeiling = ceilingRate ? row.messagesPerSecond / ceilingRate : undefined;
        const ratio = row.vsCeiling === undefined ? "—" : `${row.vsCeiling.toFixed(2)}×`;
        console.log(
          `${group.framing.padEnd(14)}${String(size).padStart(8)}${String(conns).padStart(6)}  ${row.server.padEnd(30)}${(row.error ? "error" : fmt(row.messagesPerSecond)).padStart(12)}${ratio.padStart(12)}${row.error ? `  ${row.error}` : ""}`,
        );
      }
      const target = conns === 1 ? group.targets[size] : undefined;
      const ours = rows.find((r) => r.ours && r.server.endsWith("(node)"));
      if (target && ours) {
        if (target.peer) {
          const peer = rows.find((r) => r.server === target.peer);
          const ratio = peer?.messagesPerSecond ? ours.messagesPerSecond / peer.messagesPerSecond : 0;
          verdicts.push({
            framing: group.framing,
            size,
            what: `${ours.server} vs ${target.peer}`,
            ratio,
            target: target.ratio,
          });
        }
        if (target.ceiling)
          verdicts.push({
            framing: group.framing,
            size,
            what: `${ours.server} vs plain TCP`,
            ratio: ours.vsCeiling ?? 0,
            target: target.ceiling,
          });
      }
      console.log("");
    }
  }
}

console.log("Targets (1 connection):");
for (const v of verdicts) {
  const met = v.ratio >= v.target;
  const by = met ? "met" : `MISSED by ${((1 - v.ratio / v.target) * 100).toFixed(0)}% (needs ${v.target}×)`;
  console.log(
    `  ${v.framing.padEnd(14)}${String(v.size).padStart(6)} B  ${v.what.padEnd(46)} ${v.ratio.toFixed(2)}×  target ${v.target}×  ${by}`,
  );
}

let codec = [];
if (!skip.has("codec")) {
  const { runCodecBench } = await import("./codec.mjs");
  codec = await runCodecBench({ quick });
}
let memory = [];
if (!skip.has("memory") && !quick) {
  const { runMemoryBench } = await import("./memory.mjs");
  memory = await runMemoryBench();
}

const report = {
  date: new Date().toISOString(),
  machine: { cores: os.availableParallelism(), node: process.version, platform: `${os.platform()} ${os.arch()}` },
  quick,
  results,
  targets: verdicts,
  codec,
  memory,
};
const jsonPath = resolve(repoRoot, values.json ?? "bench/results/latest.json");
mkdirSync(dirname(jsonPath), { recursive: true });
writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
const svgPath = jsonPath.replace(/\.json$/, "") + ".svg";
writeFileSync(
  svgPath,
  renderChart(results, `framed echo throughput (${report.machine.cores} cores, Node ${process.version})`),
);
console.log(`\nresults: ${jsonPath}\nchart:   ${svgPath}`);
