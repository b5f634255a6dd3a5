// Echo throughput. For each framing, every server of the group runs in its own process; for each size and
// connection count one load-client process measures them all, in turns, for a few rounds (the servers not
// being measured are stopped meanwhile), and each server's figure is the median of its samples.
import { fileURLToPath } from "node:url";
import { checkAvailable } from "./availability.mjs";
import { ceiling, ceilingTwin, inflightFor } from "./cases.mjs";
import { NotBuiltError, runJsonProcess, startServer } from "./processes.mjs";

const clientScript = fileURLToPath(new URL("./client.mjs", import.meta.url));

export function median(samples) {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return Math.round(sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2);
}

/** Start a server; resolves `{ running }` or `{ status, detail }` when it cannot run. Never throws. */
export async function launch(server, nodeArgs = []) {
  const available = checkAvailable(server);
  if (!available.ok) {
    const status = available.reason.startsWith("not built yet") ? "not built yet" : "unavailable";
    return { status, detail: available.reason };
  }
  // Bun takes the same --cpu-prof flags as Node, before the script.
  const args = server.runtime === "deno" ? server.args : [...nodeArgs, ...server.args];
  try {
    const timeoutMs = server.runtime === "deno" ? 30_000 : 10_000;
    return { running: await startServer(server.command, args, { timeoutMs }) };
  } catch (error) {
    return { status: error instanceof NotBuiltError ? "not built yet" : "error", detail: `server: ${error.message}` };
  }
}

/**
 * Measure `entries` (each `{ server, running }`) at one size and connection count in one client process.
 * Returns one row per entry; problems become the row's `status` with a `detail`.
 */
export async function measureBlock(entries, { framing, wire, size, conns, plan }) {
  const inflight = inflightFor(size, conns);
  const rows = entries.map(({ server, running, status, detail }) => ({
    framing,
    size,
    conns,
    inflight,
    server: server.id,
    name: server.name,
    role: server.role,
    runtime: server.runtime,
    ...(server.variant ? { variant: server.variant } : {}),
    status: running ? "ok" : status,
    ...(detail ? { detail } : {}),
    messagesPerSecond: 0,
    samples: [],
  }));
  const live = entries.map((e, i) => ({ ...e, row: rows[i] })).filter((e) => e.running);
  if (live.length === 0) return rows;
  const rounds = plan.rounds;
  const perSample = plan.durationMs + Math.max(plan.warmupMs, plan.firstWarmupMs ?? 0) + 2000;
  const budget = rounds * live.length * perSample + 30_000;
  try {
    const result = await runJsonProcess(
      clientScript,
      [
        "--targets",
        live.map((e) => `${e.running.port}${e.server.handshake ? ":ws" : ""}`).join(","),
        ...["--kind", wire, "--size", String(size), "--conns", String(conns), "--inflight", String(inflight)],
        ...["--rounds", String(rounds), "--duration", String(plan.durationMs), "--warmup", String(plan.warmupMs)],
        ...["--first-warmup", String(plan.firstWarmupMs ?? plan.warmupMs)],
        ...["--pause", live.map((e) => e.running.pid).join(",")],
      ],
      { timeoutMs: budget },
    );
    live.forEach((entry, i) => {
      const target = result.targets[i];
      entry.row.samples = target.samples;
      entry.row.messagesPerSecond = median(target.samples);
      if (target.error) {
        entry.row.status = "error";
        entry.row.detail = `client: ${target.error}`;
      } else if (entry.row.messagesPerSecond === 0) {
        entry.row.status = "too slow";
        entry.row.detail = `not one reply within ${plan.durationMs} ms in most samples`;
      }
    });
  } catch (error) {
    for (const entry of live) Object.assign(entry.row, { status: "error", detail: `client: ${error.message}` });
  } finally {
    // The client resumes every server it stopped; if it died first, do it here.
    for (const entry of live) entry.running.resume();
  }
  return rows;
}

/**
 * Every selected framing × size × connection count: the ceiling first, then ours, then the peers, then the
 * ceiling's twin (the control: a second plain TCP echo).
 * `onBlock` sees each finished (framing, size, conns) block, for printing as the run goes.
 */
export async function runEchoBench(plan, onBlock) {
  const rows = [];
  for (const group of plan.groups) {
    const chosen = group.servers.filter((s) => !plan.servers || plan.servers.has(s.id));
    const servers = [ceiling, ...chosen, ceilingTwin];
    // Started together: start-up is mostly waiting (Deno compiles the sources on its first run).
    const entries = await Promise.all(servers.map(async (server) => ({ server, ...(await launch(server)) })));
    try {
      for (const size of plan.sizes) {
        for (const conns of plan.conns) {
          // A server that died in an earlier block is started again rather than failing every later one.
          for (const entry of entries) {
            if (!entry.running?.exited()) continue;
            const again = await launch(entry.server);
            Object.assign(entry, { running: again.running, status: again.status, detail: again.detail });
          }
          const block = await measureBlock(entries, { framing: group.framing, wire: group.wire, size, conns, plan });
          rows.push(...block);
          onBlock?.(block, group);
        }
      }
    } finally {
      await Promise.all(entries.map((e) => e.running?.stop(plan.stopGraceMs)));
    }
  }
  return rows;
}
