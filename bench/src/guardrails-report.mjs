// Issue 19's guardrails judged from one guardrails.mjs run, and the one markdown table that shows them (for the
// changeset and the package READMEs). Pure: takes the run's summaries, returns verdicts and text.
import { formatNumber as num, withSpread } from "./report.mjs";

/** 64 B messages per second: after ÷ before may be at most 5% below 1 (median of the per-round ratios). */
export const MAX_SLOWDOWN = 0.05;
/**
 * "CPU per message rose" needs both a median per-round ratio above 1 and after above before in at least this
 * share of the rounds: two runs of the same code differ by a few percent either way from round to round (see
 * the README), so a median a hair above 1 alone would fail identical code about half the time.
 */
export const CONSISTENTLY_HIGHER = 0.8;

/** Did CPU per message rise: median per-round after ÷ before above 1, and after above before in at least CONSISTENTLY_HIGHER of the rounds? */
export function cpuRose({ ratio, higherInRounds, rounds }) {
  return ratio.median > 1 && higherInRounds >= Math.ceil(CONSISTENTLY_HIGHER * rounds);
}

/**
 * Every verdict of one framing's row: `rate` (64 B msg/s within 5%), `cpu64` and `cpu64k` (server CPU per
 * message did not rise), `peerGoal` (64 KiB CPU per message at or below the peer's, median of per-round
 * ratios) and `memory` (idle RSS per connection at or below ws's). A verdict is `undefined` when its
 * measurement is missing (not run or failed).
 */
export function judgeFraming(row) {
  const verdicts = {};
  if (row.small) {
    verdicts.rate = row.small.rateRatio.median >= 1 - MAX_SLOWDOWN;
    verdicts.cpu64 = !cpuRose(row.small.cpu);
  }
  if (row.large) {
    verdicts.cpu64k = !cpuRose(row.large.cpu);
    verdicts.peerGoal = row.large.peerRatio.median <= 1;
  }
  if (row.memory?.head && row.memory?.ws) {
    verdicts.memory = row.memory.head.rssBytesPerConnection <= row.memory.ws.rssBytesPerConnection;
  }
  return verdicts;
}

const kib = (bytes) => (Number.isFinite(bytes) ? num(bytes / 1024, 1) : "–");
/** "RSS (heap+external)" per connection in KiB: RSS is the guardrail, the heap figure the steadier one. */
const idle = (row) => (row ? `${kib(row.rssBytesPerConnection)} (${kib(row.heapBytesPerConnection)})` : "–");
const mark = (ok) => (ok === undefined ? "–" : ok ? "✓" : "✗");

function verdictCell(row, v) {
  const parts = [];
  if (row.small) {
    parts.push(`msg/s ${mark(v.rate)}`);
    const c = row.small.cpu;
    parts.push(`CPU 64 B ×${num(c.ratio.median, 2)} (↑${c.higherInRounds}/${c.rounds}) ${mark(v.cpu64)}`);
  }
  if (row.large) {
    const c = row.large.cpu;
    parts.push(`CPU 64 KiB ×${num(c.ratio.median, 2)} (↑${c.higherInRounds}/${c.rounds}) ${mark(v.cpu64k)}`);
    parts.push(`≤ peer ×${num(row.large.peerRatio.median, 2)} ${mark(v.peerGoal)}`);
  }
  if (v.memory !== undefined) parts.push(`memory ≤ ws ${mark(v.memory)}`);
  return parts.join(" · ");
}

/** The table: one row per framing; "before" is the --against checkout, "after" this one. */
export function guardrailsTable(rows) {
  const header = [
    "framing",
    "64 B msg/s before",
    "64 B msg/s after",
    "after ÷ before",
    "64 B CPU µs/msg before",
    "64 B CPU µs/msg after",
    "64 KiB CPU µs/msg before",
    "64 KiB CPU µs/msg after",
    "64 KiB CPU µs/msg peer",
    "idle KiB/conn before",
    "idle KiB/conn after",
    "idle KiB/conn ws",
    "guardrails",
  ];
  const lines = [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`];
  for (const row of rows) {
    const v = judgeFraming(row);
    const peer = row.large ? `${withSpread(row.large.peer.cpuMicrosPerMessage, 2)} (${row.peerName})` : "–";
    lines.push(
      `| ${[
        row.framing,
        withSpread(row.small?.base.rate),
        withSpread(row.small?.head.rate),
        withSpread(row.small?.rateRatio, 3),
        withSpread(row.small?.base.cpuMicrosPerMessage, 2),
        withSpread(row.small?.head.cpuMicrosPerMessage, 2),
        withSpread(row.large?.base.cpuMicrosPerMessage, 2),
        withSpread(row.large?.head.cpuMicrosPerMessage, 2),
        peer,
        idle(row.memory?.base),
        idle(row.memory?.head),
        idle(row.memory?.ws),
        verdictCell(row, v),
      ].join(" | ")} |`,
    );
  }
  return lines.join("\n");
}

/** Whether other work held more runnable threads than there are cores, before or after the run. */
export const busyMachine = ({ loadBefore, loadAfter, cpus }) => Math.max(loadBefore[0], loadAfter[0]) > cpus;
const BUSY_NOTE =
  ": more runnable work than cores, so msg/s measured how much CPU each server was given as much as how fast " +
  "it is, and its ratios spread widely; CPU µs per message does not depend on that share (judge by it, and " +
  "rerun the msg/s guardrail on a quiet machine).";

const CLIENT_NOTE = " (near 1: it may have limited msg/s; CPU per message is still the server's own)";

/** The markdown file: a heading naming both checkouts, the table, and how it was measured. */
export function guardrailsMarkdown(report) {
  const { base, head, plan, rows, memory, seconds, machine, clientBusyMax } = report;
  const memoryNote = memory
    ? `${memory.count.toLocaleString("en-US")} idle connections opened on a server already holding ` +
      `${memory.warm.toLocaleString("en-US")}: RSS growth per connection after GC, heap+external growth in ` +
      "parentheses (steadier; RSS of the same code has moved by 1 KiB between servers in one run)"
    : "not measured";
  return [
    `Guardrails (issue 19): before = ${base.commit} (${base.root}), after = ${head.commit} (${head.root}); ` +
      `${report.date.slice(0, 10)}, Node ${machine.node}, ${machine.cpus} CPUs, ${seconds} s.`,
    "",
    guardrailsTable(rows),
    "",
    `Median [min–max] over ${plan.rounds} rotated rounds at one connection (each round: one client process, each ` +
      `server alone on the CPU for ${plan.warmupMs} ms warm-up + ${plan.durationMs} ms counted in ` +
      `${plan.slices ?? 1} windows taken in turns); ratios are taken round by round. CPU µs/msg = the server ` +
      "process's utime + stime (/proc, 10 ms ticks) over the counted windows ÷ replies. " +
      `↑k/n: rounds where after spent more CPU per message. Idle memory: ${memoryNote}. ` +
      `The load client was at most ${num(clientBusyMax, 2)} of a core busy in any window` +
      `${clientBusyMax >= 0.9 ? CLIENT_NOTE : ""}. ` +
      `Load average ${machine.loadBefore.join(" ")} before, ${machine.loadAfter.join(" ")} after` +
      `${busyMachine(machine) ? BUSY_NOTE : "."}`,
    "",
  ].join("\n");
}
