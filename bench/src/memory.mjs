// Idle memory per open connection: a server's RSS (and V8 heap) after a collection, before and after
// 5,000 idle connections opened by a separate client process, on a server already holding 1,000 (the
// warm-up). The warm-up takes the one-time costs out of the per-connection figure: code compiled for the
// accept path, the young generation grown to its working size, malloc arenas of the compiler threads. They
// are megabytes, the same whether 1 or 50,000 connections follow, and at 5,000 they would add up to
// ~1 KiB per connection to whichever server has more code to compile. The cold figure (growth from the
// fresh server over all 6,000) is reported next to it. Every server starts with V8's young generation at its
// default maximum size, and touches all of it before each reading (servers/serve.mjs): its growth, and its
// pages becoming resident, are also once per process (up to 32 MiB), and happened during the measured
// connections in some runs and not in others, 5 KiB per connection either way (see the README). Both
// processes get their open-file limit raised (`ulimit -n`); where the hard limit is too low, the counts are
// reduced and the output says so.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { checkAvailable } from "./availability.mjs";
import { serverById } from "./cases.mjs";
import { startHelper, startServer, withFileLimit } from "./processes.mjs";
import { formatPercent } from "./report.mjs";

export const IDLE_CONNECTIONS = 5000;
/** Connections opened (and kept) before the baseline is taken. */
export const WARMUP_CONNECTIONS = 1000;
/** V8's default maximum semi-space on 64-bit (MiB): the young generation's size from the start. */
const YOUNG_SEMI_SPACE_MIB = 16;
const idleClient = fileURLToPath(new URL("./idle-client.mjs", import.meta.url));

/**
 * Pairs compared: ours and the library (or ceiling) it is measured against; issue 5 sets the one target. The
 * `for await` row is the same server with a waiting loop per connection instead of `consume`.
 */
export const memoryPairs = [
  { ours: "framed-websocket-node", against: "ws", atMost: 1, issue: 5 },
  { ours: "framed-websocket-node-await", against: "ws" },
  { ours: "framed-length-prefix-node", against: "plain-tcp" },
];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function rssKiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

/** The open-file limit a child gets after asking for `wanted` (the hard limit caps it). */
export function fileLimitFor(wanted) {
  const { command, args } = withFileLimit(wanted, "/bin/true", []);
  // withFileLimit reports the limit it got on stderr as `fd-limit N`.
  const result = spawnSync(command, args, { encoding: "utf8" });
  const limit = /fd-limit (\S+)/.exec(result.stderr ?? "")?.[1];
  if (limit === undefined) throw new Error(`could not read the open-file limit: ${result.stderr}`);
  return limit === "unlimited" ? Number.POSITIVE_INFINITY : Number(limit);
}

/**
 * The connection counts a run can open here: `connections` and `warmup`, both scaled down in proportion when
 * the hard open-file limit is too low (`limit` says which it was), and the file limit to ask for.
 */
export function idlePlan(connections = IDLE_CONNECTIONS, warmup = WARMUP_CONNECTIONS) {
  const limit = fileLimitFor(connections + warmup + 256);
  const scale = Math.min(1, (limit - 256) / (connections + warmup));
  const count = Math.floor(connections * scale);
  const warm = Math.floor(warmup * scale);
  return { count, warm, limit, fileLimit: count + warm + 256 };
}

/** Collect garbage in the server (SIGUSR2, see servers/serve.mjs), then read its memory. */
async function settledMemory(server) {
  const reply = server.nextJsonLine(5000);
  process.kill(server.pid, "SIGUSR2");
  const { memory } = await reply;
  await sleep(200);
  return { rssKiB: rssKiB(server.pid), heapUsed: memory.heapUsed, external: memory.external };
}

/** One server's idle memory: `connections` idle connections opened after `warmup` ones (see above). */
export async function measureIdle(server, connections, warmup, fileLimit) {
  const nodeArgs = ["--expose-gc", `--min-semi-space-size=${YOUNG_SEMI_SPACE_MIB}`, ...server.args];
  const { command, args } = withFileLimit(fileLimit, process.execPath, nodeArgs);
  const running = await startServer(command, args);
  const clients = [];
  const openIdle = async (count) => {
    const handshake = server.handshake ? ["--handshake"] : [];
    const options = { timeoutMs: 120_000, fileLimit };
    clients.push(
      await startHelper(idleClient, ["--port", String(running.port), "--conns", String(count), ...handshake], options),
    );
    await sleep(1000);
  };
  try {
    await sleep(300);
    const fresh = await settledMemory(running);
    await openIdle(warmup);
    const before = await settledMemory(running);
    await openIdle(connections);
    const after = await settledMemory(running);
    const per = (a, b, count) => Math.round((a - b) / count);
    return {
      server: server.id,
      name: server.name,
      connections,
      warmup,
      rssBeforeMiB: +(before.rssKiB / 1024).toFixed(1),
      rssAfterMiB: +(after.rssKiB / 1024).toFixed(1),
      rssBytesPerConnection: per(after.rssKiB * 1024, before.rssKiB * 1024, connections),
      heapBytesPerConnection: per(after.heapUsed + after.external, before.heapUsed + before.external, connections),
      coldRssBytesPerConnection: per(after.rssKiB * 1024, fresh.rssKiB * 1024, connections + warmup),
    };
  } finally {
    for (const client of clients) await client.stop();
    await running.stop();
  }
}

/** Every pair, ours first. Rows carry `status` instead of numbers when a server cannot run. */
export async function runMemoryBench({
  log = console.log,
  connections = IDLE_CONNECTIONS,
  warmup = WARMUP_CONNECTIONS,
} = {}) {
  // A low hard limit shrinks both counts in proportion.
  const { count, warm, limit, fileLimit } = idlePlan(connections, warmup);
  const rows = [];
  const ids = [...new Set(memoryPairs.flatMap((pair) => [pair.ours, pair.against]))];
  for (const id of ids) {
    const server = serverById(id);
    const available = checkAvailable(server);
    if (!available.ok) {
      rows.push({ server: id, name: server.name, status: "not built yet", detail: available.reason });
      continue;
    }
    try {
      rows.push({ ...(await measureIdle(server, count, warm, fileLimit)), status: "ok" });
    } catch (error) {
      rows.push({ server: id, name: server.name, status: "error", detail: error.message });
    }
  }
  log(
    `\nIdle memory (${count.toLocaleString("en-US")} idle connections opened on a server already holding ` +
      `${warm.toLocaleString("en-US")}; server growth per connection, after GC; cold: from the fresh server over all):`,
  );
  if (count < connections)
    log(
      `  open-file limit ${limit} (ulimit -Hn): measured at ${count} + ${warm} connections instead of ${connections} + ${warmup}`,
    );
  for (const row of rows) {
    if (row.status !== "ok") {
      log(`  ${row.name.padEnd(34)} ${row.status}: ${row.detail}`);
      continue;
    }
    log(
      `  ${row.name.padEnd(34)} RSS ${row.rssBytesPerConnection.toLocaleString("en-US").padStart(7)} B/conn` +
        `   heap+external ${row.heapBytesPerConnection.toLocaleString("en-US").padStart(7)} B/conn` +
        `   cold RSS ${row.coldRssBytesPerConnection.toLocaleString("en-US").padStart(7)} B/conn` +
        `   (RSS ${row.rssBeforeMiB} → ${row.rssAfterMiB} MiB)`,
    );
  }
  const comparisons = [];
  for (const pair of memoryPairs) {
    const a = rows.find((r) => r.server === pair.ours);
    const b = rows.find((r) => r.server === pair.against);
    if (a?.status !== "ok" || b?.status !== "ok") continue;
    const ratio = a.rssBytesPerConnection / b.rssBytesPerConnection;
    const comparison = { ours: pair.ours, against: pair.against, ratio };
    let verdict = "";
    if (pair.atMost !== undefined) {
      Object.assign(comparison, { target: pair.atMost, issue: pair.issue, met: ratio <= pair.atMost });
      comparison.overBy = Math.max(0, ratio / pair.atMost - 1);
      verdict = comparison.met
        ? `  (issue ${pair.issue}: ≤ ${pair.atMost}×, met)`
        : `  (issue ${pair.issue}: ≤ ${pair.atMost}×, MISSED: ${formatPercent(comparison.overBy)} over)`;
    }
    comparisons.push(comparison);
    log(`  ${a.name} ÷ ${b.name}: ${ratio.toFixed(2)}× the RSS per connection${verdict}`);
  }
  return { connections: count, warmup: warm, fileLimit: limit, rows, comparisons };
}
