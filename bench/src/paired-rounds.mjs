// Rotated paired rounds, shared by paired.mjs, guardrails.mjs (the same Node echo server files run from two
// checkouts, each copy resolving @framed/* from its own checkout's built dist, and where asked a peer library's
// server) and paired-runtimes.mjs (this tree's servers on Node and on Bun): one client process per round
// measures them all in rotated order, each alone on the CPU, and reads each server's CPU µs per message from
// /proc. Also the median and min–max helpers they report with.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { inflightFor } from "./cases.mjs";
import { repoRoot, runJsonProcess, startServer } from "./processes.mjs";

export const serversDir = fileURLToPath(new URL("./servers/", import.meta.url));
const clientScript = fileURLToPath(new URL("./client.mjs", import.meta.url));

/**
 * The framings compared in paired rounds: our Node echo server's file and arguments (staged per checkout), the
 * wire format the client speaks, and the peer whose CPU per message is the goal at 64 KiB (issue 19).
 */
export const pairedFramings = {
  websocket: {
    file: "framed-websocket.mjs",
    args: [],
    wire: "ws",
    handshake: true,
    peer: { id: "ws", name: "ws (bufferutil)", file: "ws.mjs" },
  },
  "length-prefix": {
    file: "framed-length-prefix.mjs",
    args: ["varint"],
    wire: "lp-varint",
    peer: { id: "it-length-prefixed", name: "it-length-prefixed", file: "it-length-prefixed.mjs" },
  },
  newline: {
    file: "framed-newline.mjs",
    args: [],
    wire: "newline",
    peer: { id: "split2", name: "split2", file: "split2.mjs" },
  },
};

/** "websocket,newline" → the framing names, checked. */
export function parseFramings(text) {
  return text.split(",").map((name) => {
    if (!pairedFramings[name]) {
      throw new Error(`unknown framing ${name}; one of ${Object.keys(pairedFramings).join(", ")}`);
    }
    return name;
  });
}

/** "64" → 64, "64k" → 65536. */
export const parseSize = (text) => Number(text.replace(/k$/i, "")) * (/k$/i.test(text) ? 1024 : 1);

/**
 * The two sides, "base" (the `against` checkout) and "head" (this one), each with the server `files` copied
 * where Node's resolution of "@framed/…" walks up to that checkout's bench/node_modules (whose @framed/* link to
 * its packages and their dist). node_modules is ignored by git; the copies are removed when the process exits.
 * The folder is named after this process, so that runs against one shared checkout do not remove each
 * other's copies.
 */
export function stageCheckouts(against, files) {
  const sides = [
    { name: "base", root: path.resolve(against) },
    { name: "head", root: repoRoot.replace(/\/$/, "") },
  ];
  for (const side of sides) {
    side.staged = path.join(side.root, "bench", "node_modules", `.paired-servers-${process.pid}`);
    mkdirSync(side.staged, { recursive: true });
    for (const file of new Set(["serve.mjs", ...files])) {
      copyFileSync(path.join(serversDir, file), path.join(side.staged, file));
    }
    side.commit = execFileSync("git", ["-C", side.root, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
  }
  process.on("exit", () => {
    for (const side of sides) rmSync(side.staged, { recursive: true, force: true });
  });
  return sides;
}

/** Start one side's copy of our server for `framing`. */
export function startStaged(side, framing) {
  const { file, args } = pairedFramings[framing];
  return startServer(process.execPath, [path.join(side.staged, file), "0", ...args], { timeoutMs: 15_000 });
}

/** Start `framing`'s peer server from this tree (its library resolves from this checkout's bench). */
export function startPeer(framing) {
  return startServer(process.execPath, [path.join(serversDir, pairedFramings[framing].peer.file), "0"], {
    timeoutMs: 15_000,
  });
}

/** Median without rounding (echo.mjs's rounds to an integer, fine for msg/s, not for µs or ratios). */
export function medianOf(xs) {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median, min and max of the finite values. */
export function spread(xs) {
  const finite = xs.filter((x) => Number.isFinite(x));
  return { median: medianOf(finite), min: Math.min(...finite), max: Math.max(...finite) };
}

export const loadAverage = () => os.loadavg().map((n) => +n.toFixed(2));

/** Warm-up before each slice after a participant's first (its connection is new, its code already hot). */
const SLICE_WARMUP_MS = 250;

/**
 * One client process, one sample per participant in `order` (each `{ name, running }`, alone on the CPU while
 * measured, the others stopped). With `slices` > 1 the `durationMs` is cut into that many windows taken in
 * turns (a, b, a, b, …), so the two sides of a pair are measured closer together in time; a participant's
 * sample is then the sum over its windows; `conns` connections (default 1) each keep the usual messages in flight.
 * Resolves with `{ [name]: { rate, cpu, messages, clientBusy } }`.
 */
export async function sampleOnce(order, framing, size, { durationMs, warmupMs, slices = 1, conns = 1 }) {
  const { wire, handshake } = pairedFramings[framing];
  const pids = order.map((p) => p.running.pid).join(",");
  const slice = Math.round(durationMs / slices);
  const later = Math.min(warmupMs, SLICE_WARMUP_MS);
  const result = await runJsonProcess(
    clientScript,
    [
      "--targets",
      order.map((p) => `${p.running.port}${handshake ? ":ws" : ""}`).join(","),
      ...["--kind", wire, "--size", String(size)],
      ...["--conns", String(conns), "--inflight", String(inflightFor(size, conns))],
      ...["--rounds", String(slices), "--duration", String(slice)],
      ...["--first-warmup", String(warmupMs), "--warmup", String(later)],
      ...["--pause", pids, "--cpu-pids", pids],
    ],
    { timeoutMs: order.length * (durationMs + warmupMs + slices * (later + 5000)) + 10_000 },
  );
  const samples = {};
  order.forEach((participant, i) => {
    const target = result.targets[i];
    if (target.error) throw new Error(`${participant.label ?? participant.name} ${framing}@${size}: ${target.error}`);
    samples[participant.name] = sumOfWindows(target);
  });
  return samples;
}

/** One participant's windows (the client's per-window arrays) as one sample. */
export function sumOfWindows({ samples, messages, cpuMicrosPerMessage, clientBusy = [] }) {
  const total = messages.reduce((a, b) => a + b, 0);
  // Each window's length is its replies ÷ its rate (the client reports both, not the length).
  const seconds = messages.reduce((sum, m, i) => sum + (samples[i] > 0 ? m / samples[i] : 0), 0);
  const cpu = messages.reduce((sum, m, i) => sum + m * (cpuMicrosPerMessage[i] ?? 0), 0);
  return {
    rate: seconds > 0 ? Math.round(total / seconds) : 0,
    cpu: total > 0 ? cpu / total : null,
    messages: total,
    clientBusy: clientBusy.length > 0 ? Math.max(...clientBusy) : undefined,
  };
}

/**
 * `plan.rounds` rounds over `participants`, round r starting at participant r mod n (base, head; head, base; …
 * for two), after one unrecorded round so that no one's first sample pays for its JIT warm-up. Returns
 * `[{ round, order, loadavg, [name]: sample }]`; `onRound` is called after each.
 */
export async function measureRounds(participants, framing, size, plan, onRound = () => {}) {
  const resumeAll = () => {
    for (const p of participants) p.running.resume();
  };
  try {
    await sampleOnce(participants, framing, size, { durationMs: 1000, warmupMs: 500, slices: 1, conns: plan.conns });
  } finally {
    resumeAll();
  }
  const rounds = [];
  for (let r = 0; r < plan.rounds; r++) {
    const shift = r % participants.length;
    const order = [...participants.slice(shift), ...participants.slice(0, shift)];
    const loadavg = loadAverage();
    try {
      const got = await sampleOnce(order, framing, size, plan);
      rounds.push({ round: r + 1, order: order.map((p) => p.name), loadavg, ...got });
    } finally {
      resumeAll();
    }
    onRound(r);
  }
  return rounds;
}

/** Each round's `of[key]` ÷ `to[key]`, as median and min–max. */
export function ratioSpread(rounds, of, to, key) {
  return spread(rounds.map((r) => r[of][key] / r[to][key]));
}

/** One participant's msg/s, CPU µs per message (median and min–max) and its busiest client (0–1). */
export function participantSummary(rounds, name) {
  return {
    rate: spread(rounds.map((r) => r[name].rate)),
    cpuMicrosPerMessage: spread(rounds.map((r) => r[name].cpu)),
    clientBusyMax: Math.max(...rounds.map((r) => r[name].clientBusy ?? 0)),
  };
}
