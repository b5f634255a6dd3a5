// Quoting runs in the package READMEs: each framing's README gets a table of its echo figures, its
// target verdicts, its codec figures and (WebSocket, length-prefix) idle memory, between
// `<!-- bench:start -->` and `<!-- bench:end -->`, and the figures of our servers on Bun (against framed on
// Node and Bun's own echo) between `<!-- bench:bun:start -->` and `<!-- bench:bun:end -->`. Run by `pnpm bench`
// after a full run, or by hand:
//   node bench/src/readme.mjs [bench/results/latest.json]   both sections
//   node bench/src/readme.mjs --bun bench/results/bun.json  the Bun section only (a run of the Bun cases)
import { readFileSync, writeFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { repoRoot } from "./processes.mjs";
import { formatCeilingCheck, formatPercent, formatSize } from "./report.mjs";

const START = "<!-- bench:start -->";
const END = "<!-- bench:end -->";
const BUN_START = "<!-- bench:bun:start -->";
const BUN_END = "<!-- bench:bun:end -->";
const FRAMINGS = ["length-prefix", "newline", "websocket"];

/** Bun's servers have their own table: the main one is Node's (and Deno's), judged on the issues' targets. */
const onBun = (row) => row.runtime === "bun";

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
    `Full run of \`npx -y pnpm@10 bench\` on ${day}: ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, Node ${m.node}, ` +
    `${m.platform}; load average ${report.loadAverage.atStart} at the start. Echo over loopback TCP, one load ` +
    `client process, ${report.plan.inflightPerConnection} messages in flight per connection, median of ` +
    `${report.plan.rounds} rounds × ${report.plan.durationMs} ms. Ratio = median over the rounds of ours ÷ the other ` +
    "server measured back to back in the same round."
  );
}

function echoTable(report, framing) {
  const rows = report.results.filter((r) => r.framing === framing && !onBun(r));
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

function targetLines(report, framing, { bun = false } = {}) {
  // A target of the framing's Node server is "primary"; older reports have no such field and only those.
  return report.targets
    .filter((t) => t.framing === framing && (t.primary === false) === bun)
    .map((t) => {
      const nameOf = (id) => report.results.find((r) => r.server === id)?.name ?? id;
      const what = bun
        ? `${formatSize(t.size)} × ${t.conns}, ${nameOf(t.ours)}`
        : (t.measure ?? `${formatSize(t.size)} throughput`);
      const against = nameOf(t.against);
      const goal = t.atMost ? `≤ ${t.target}×` : `≥ ${t.target}×`;
      const verdict = t.met ? "met" : `missed by ${formatPercent(t.shortBy)}`;
      const control = t.ceilingCheck
        ? `; a second plain TCP echo, measured in the same rounds, read ${formatCeilingCheck(t.ceilingCheck)} of the first`
        : "";
      if (t.ratio === undefined) return `- ${what} ÷ ${against} (target ${goal}): not judged (${t.why})`;
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

function bunRunLine(report) {
  const m = report.machine;
  const how = report.command ? `\`node bench/src/run.mjs ${report.command.join(" ")}\`` : "a run of the Bun cases";
  return (
    `${how} on ${report.date.slice(0, 10)}: Bun ${m.bun ?? "(version not recorded)"} and Node ${m.node} on the same ` +
    `${m.cores}-core VM (${m.cpu}), load average ${report.loadAverage.atStart} at the start and ` +
    `${report.loadAverage.atEnd} at the end. One load client process, ${report.plan.inflightPerConnection} messages in ` +
    `flight per connection (fewer where that would pass 64 MiB), ${report.plan.rounds} rounds × ${report.plan.durationMs} ms, ` +
    "servers taking turns within each round. Ratio = median over the rounds of the Bun server ÷ the other one " +
    "measured back to back in the same round; the msg/s of the servers compared with are in their own rows."
  );
}

/** Our servers on Bun, each against what its definition compares it with, and those servers' own figures. */
function bunEchoTable(report, framing) {
  const rows = report.results.filter((r) => r.framing === framing);
  const ours = rows.filter((r) => r.role === "ours" && onBun(r));
  if (ours.length === 0) return [];
  const mineAgainst = (row) =>
    report.comparisons.filter(
      (c) => c.ours === row.server && c.size === row.size && c.conns === row.conns && c.framing === framing,
    );
  const columns = new Map();
  for (const row of ours) for (const c of mineAgainst(row)) columns.set(c.against, c.againstName);
  const lines = [
    `| size | conns | server | msg/s | ${[...columns.values()].map((name) => `÷ ${name}`).join(" | ")} |`,
    `| --- | --- | --- | ---: | ${[...columns.keys()].map(() => "---:").join(" | ")} |`,
  ];
  const blocks = [...new Map(ours.map((r) => [`${r.size}x${r.conns}`, r])).values()];
  for (const block of blocks) {
    const here = rows.filter((r) => r.size === block.size && r.conns === block.conns);
    const lead = `| ${formatSize(block.size)} | ${block.conns} |`;
    for (const row of here.filter((r) => r.role === "ours" && onBun(r))) {
      if (row.status !== "ok") {
        lines.push(`${lead} ${row.name} | ${row.status} | ${[...columns.keys()].map(() => "").join(" | ")} |`);
        continue;
      }
      const cells = [...columns.keys()].map((id) => {
        const c = mineAgainst(row).find((x) => x.against === id);
        return c === undefined ? "" : `${c.noisy ? "~" : ""}${ratio(c.ratio)}`;
      });
      lines.push(`${lead} **${row.name}** | ${rate(row.messagesPerSecond)} | ${cells.join(" | ")} |`);
    }
    // The servers compared with (not the ceiling, which has its own column in every table).
    for (const row of here.filter((r) => columns.has(r.server) && !(r.role === "ours" && onBun(r)))) {
      if (row.role === "ceiling") continue;
      const figure = row.status === "ok" ? rate(row.messagesPerSecond) : row.status;
      lines.push(`${lead} ${row.name} | ${figure} | ${[...columns.keys()].map(() => "").join(" | ")} |`);
    }
  }
  return lines;
}

/** The markdown of one framing's Bun section, or undefined when the report has no Bun server of it. */
export function bunSection(report, framing) {
  const table = bunEchoTable(report, framing);
  if (table.length === 0) return undefined;
  const parts = [bunRunLine(report), "", ...table];
  const targets = targetLines(report, framing, { bun: true });
  if (targets.length > 0) parts.push("", "Targets on Bun (issue 23):", "", ...targets);
  parts.push("", "`~` marks a ratio whose per-round values moved more than 30% between rounds (a busy machine).");
  return parts.join("\n");
}

/** `text` with what lies between `start` and `end` replaced by `body`; throws naming `file` without them. */
export function replaceSection(text, start, end, body, file = "README") {
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to < from) throw new Error(`${file}: no ${start} … ${end} section to fill`);
  return `${text.slice(0, from + start.length)}\n${body}\n${text.slice(to)}`;
}

function rewrite(framing, change) {
  const file = join(repoRoot, "packages", framing, "README.md");
  writeFileSync(file, change(readFileSync(file, "utf8"), file));
  return file;
}

/** Fill each framing README's Bun section from a report with Bun servers in it; returns the files written. */
export function writeBunReadmes(report) {
  const written = [];
  for (const framing of FRAMINGS) {
    const body = bunSection(report, framing);
    if (body === undefined) continue;
    written.push(rewrite(framing, (text, file) => replaceSection(text, BUN_START, BUN_END, body, file)));
  }
  return written;
}

/**
 * Replace the marked sections of each framing package's README (the main one, and the Bun one when the run
 * measured Bun); returns the files written.
 */
export function writeReadmes(report) {
  const written = [];
  for (const framing of FRAMINGS) {
    if (!report.results.some((r) => r.framing === framing && !onBun(r))) continue;
    written.push(
      rewrite(framing, (text, file) => replaceSection(text, START, END, readmeSection(report, framing), file)),
    );
  }
  for (const file of writeBunReadmes(report)) if (!written.includes(file)) written.push(file);
  return written;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const bunOnly = process.argv[2] === "--bun";
  const arg = process.argv[bunOnly ? 3 : 2] ?? (bunOnly ? "bench/results/bun.json" : "bench/results/latest.json");
  const path = isAbsolute(arg) ? arg : resolve(repoRoot, arg);
  const report = JSON.parse(readFileSync(path, "utf8"));
  for (const file of bunOnly ? writeBunReadmes(report) : writeReadmes(report)) console.log(`wrote ${file}`);
}
