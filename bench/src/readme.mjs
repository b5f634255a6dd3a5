// Quoting a full run in the package READMEs: each framing's README gets a table of its echo figures, its
// target verdicts, its codec figures and (WebSocket, length-prefix) idle memory, between
// `<!-- bench:start -->` and `<!-- bench:end -->`. Run by `pnpm bench` after a full run, or by hand:
//   node bench/src/readme.mjs [bench/results/latest.json]
import { readFileSync, writeFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { repoRoot } from "./processes.mjs";
import { formatCeilingCheck, formatPercent, formatSize } from "./report.mjs";

const START = "<!-- bench:start -->";
const END = "<!-- bench:end -->";

const rate = (n) => Math.round(n).toLocaleString("en-US");
const perSecond = (n) =>
  n >= 1e6
    ? `${(n / 1e6).toFixed(1)} M`
    : n >= 1e4
      ? `${Math.round(n / 1e3)} k`
      : Math.round(n).toLocaleString("en-US");
const ratio = (r) => (r === undefined ? "—" : r >= 10 ? `${r.toFixed(1)}×` : `${r.toFixed(2)}×`);

function machineLine(report) {
  const m = report.machine;
  const day = report.date.slice(0, 10);
  return (
    `Full run of \`pnpm bench\` on ${day}: ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, Node ${m.node}, ` +
    `${m.platform}; load average ${report.loadAverage.atStart} at the start. Echo over loopback TCP, one load ` +
    `client process, ${report.plan.inflightPerConnection} messages in flight per connection, median of ` +
    `${report.plan.rounds} rounds × ${report.plan.durationMs} ms. Ratio = median over the rounds of ours ÷ the other ` +
    "server measured back to back in the same round."
  );
}

function echoTable(report, framing) {
  const rows = report.results.filter((r) => r.framing === framing);
  const others = [
    ...new Map(rows.filter((r) => r.role === "peer" || r.role === "ceiling").map((r) => [r.server, r.name])).entries(),
  ];
  const lines = [
    `| size | conns | ours | msg/s | ${others.map(([, name]) => `÷ ${name}`).join(" | ")} |`,
    `| --- | --- | --- | ---: | ${others.map(() => "---:").join(" | ")} |`,
  ];
  for (const ours of rows.filter((r) => r.role === "ours" && r.status === "ok")) {
    const cells = others.map(([id]) => {
      const c = report.comparisons.find(
        (x) => x.ours === ours.server && x.against === id && x.size === ours.size && x.conns === ours.conns,
      );
      return `${c?.noisy ? "~" : ""}${ratio(c?.ratio)}`;
    });
    lines.push(
      `| ${formatSize(ours.size)} | ${ours.conns} | ${ours.runtime}${ours.variant ? ` (${ours.variant})` : ""} | ${rate(ours.messagesPerSecond)} | ${cells.join(" | ")} |`,
    );
  }
  return lines;
}

function targetLines(report, framing) {
  return report.targets
    .filter((t) => t.framing === framing)
    .map((t) => {
      const what = t.measure ?? `${formatSize(t.size)} throughput`;
      const against = report.results.find((r) => r.server === t.against)?.name ?? t.against;
      const goal = t.atMost ? `≤ ${t.target}×` : `≥ ${t.target}×`;
      const verdict = t.met ? "met" : `missed by ${formatPercent(t.shortBy)}`;
      const control = t.ceilingCheck
        ? `; a second plain TCP echo, measured in the same rounds, read ${formatCeilingCheck(t.ceilingCheck)} of the first`
        : "";
      return `- ${what} ÷ ${against}: ${ratio(t.ratio)} (target ${goal}): **${verdict}**${t.noisy ? " (noisy samples)" : ""}${control}`;
    });
}

function codecLines(report, framing) {
  const groups = new Map();
  for (const c of report.codec ?? []) {
    if (!c.group.startsWith(framing)) continue;
    const key = `${c.group} · ${formatSize(c.size)}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(c);
  }
  return [...groups].map(([key, list]) => {
    const ours = list.find((c) => c.impl === "framed");
    const peers = list.filter((c) => c !== ours);
    const text = peers
      .map(
        (p) => `${p.impl} ${perSecond(p.messagesPerSecond)} (${ratio(ours.messagesPerSecond / p.messagesPerSecond)})`,
      )
      .join(", ");
    return `- ${key}: framed ${perSecond(ours.messagesPerSecond)} msg/s; ${text}`;
  });
}

function memoryLines(report, framing) {
  // The framing's Node server, and the same server written with `for await` (`-await`).
  const server = `framed-${framing}-node`;
  const rows = report.memory?.rows ?? [];
  return (report.memory?.comparisons ?? [])
    .filter((c) => c.ours === server || c.ours.startsWith(`${server}-`))
    .map((c) => {
      const ours = rows.find((r) => r.server === c.ours);
      const other = rows.find((r) => r.server === c.against);
      const how = c.ours === server ? " (`consume` handler)" : " (`for await` handler)";
      return (
        `- ${report.memory.connections} idle connections${report.memory.warmup ? ` after ${report.memory.warmup} warm-up ones` : ""}${how}: ${(ours.rssBytesPerConnection / 1024).toFixed(1)} KiB RSS ` +
        `(${(ours.heapBytesPerConnection / 1024).toFixed(1)} KiB heap) per connection, ${other.name} ` +
        `${(other.rssBytesPerConnection / 1024).toFixed(1)} KiB (${(other.heapBytesPerConnection / 1024).toFixed(1)} KiB heap): ${ratio(c.ratio)}`
      );
    });
}

/** The markdown quoted in one framing's README. */
export function readmeSection(report, framing) {
  const parts = [machineLine(report), "", ...echoTable(report, framing)];
  const targets = targetLines(report, framing);
  if (targets.length > 0) parts.push("", "Targets (one connection, Node server):", "", ...targets);
  const codec = codecLines(report, framing);
  if (codec.length > 0) parts.push("", "Codec only (in process, tinybench, same bytes for every codec):", "", ...codec);
  const memory = memoryLines(report, framing);
  if (memory.length > 0) parts.push("", "Idle memory:", "", ...memory);
  parts.push("", "`~` marks a ratio whose per-round values moved more than 30% between rounds (a busy machine).");
  return parts.join("\n");
}

/** Replace the marked section of each framing package's README; returns the files written. */
export function writeReadmes(report) {
  const written = [];
  for (const framing of ["length-prefix", "newline", "websocket"]) {
    if (!report.results.some((r) => r.framing === framing)) continue;
    const file = join(repoRoot, "packages", framing, "README.md");
    const text = readFileSync(file, "utf8");
    const start = text.indexOf(START);
    const end = text.indexOf(END);
    if (start === -1 || end < start) throw new Error(`${file}: no ${START} … ${END} section to fill`);
    const next = `${text.slice(0, start + START.length)}\n${readmeSection(report, framing)}\n${text.slice(end)}`;
    writeFileSync(file, next);
    written.push(file);
  }
  return written;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = process.argv[2] ?? "bench/results/latest.json";
  const path = isAbsolute(arg) ? arg : resolve(repoRoot, arg);
  for (const file of writeReadmes(JSON.parse(readFileSync(path, "utf8")))) console.log(`wrote ${file}`);
}
