// `--profile <case>`: one echo case with the server under `node --cpu-prof` (or `bun --cpu-prof`), then the profile's top
// self-time functions, mapped back to our TypeScript sources through the dist source maps.
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { allServerIds, ceiling, groups } from "./cases.mjs";
import { launch, measureBlock } from "./echo.mjs";
import { repoRoot } from "./processes.mjs";
import { formatSize } from "./report.mjs";

export const profileDir = join(repoRoot, "bench/results/profiles");

/** "64", "1k", "64KiB", "1m" → bytes. */
function parseSize(text) {
  const match = /^(\d+)\s*(b|k|kb|kib|m|mb|mib)?$/i.exec(text.trim());
  if (!match) throw new Error(`cannot read size "${text}" (try 64, 1k, 64k, 1m)`);
  const unit = (match[2] ?? "b").toLowerCase()[0];
  return Number(match[1]) * (unit === "k" ? 1024 : unit === "m" ? 1 << 20 : 1);
}

/**
 * `<server>[@size][x<conns>]`, e.g. `framed-newline-node@64`, `ws@64k`, `framed-websocket-node@1kx100`.
 * `plain-tcp` speaks the wire of the framing named after a colon (`plain-tcp:newline@64`; default length-prefix).
 */
export function parseCase(text) {
  const match = /^([\w-]+)(?::([\w-]+))?(?:@([\dA-Za-z]+?))?(?:x(\d+))?$/.exec(text);
  if (!match) throw new Error(`cannot read case "${text}": expected <server>[@size][x<conns>]`);
  const [, id, framing, size = "64", conns = "1"] = match;
  let group = groups.find((g) => g.servers.some((s) => s.id === id));
  let server = group?.servers.find((s) => s.id === id);
  if (id === ceiling.id) {
    server = ceiling;
    group = groups.find((g) => g.framing === (framing ?? "length-prefix"));
  }
  if (!server || !group) throw new Error(`unknown server "${id}"; servers: ${allServerIds().join(", ")}`);
  if (server.runtime === "deno") throw new Error(`${id} runs on Deno; --profile takes a Node or Bun server`);
  return { server, group, size: parseSize(size), conns: Number(conns) };
}

function shortPath(url) {
  if (!url) return "(native)";
  if (url.startsWith("node:")) return url;
  const path = url.startsWith("file://") ? fileURLToPath(url) : url;
  const inModules = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?(.*)$/.exec(path);
  return inModules ? inModules[1] : relative(repoRoot, path);
}

const sourceMaps = new Map();
function originalPosition(url, line, column) {
  if (!url?.startsWith("file://")) return undefined;
  const path = fileURLToPath(url);
  if (!sourceMaps.has(path)) {
    let map;
    try {
      if (existsSync(`${path}.map`)) map = new SourceMap(JSON.parse(readFileSync(`${path}.map`, "utf8")));
    } catch {
      map = undefined;
    }
    sourceMaps.set(path, map);
  }
  const entry = sourceMaps.get(path)?.findEntry(line, column);
  if (!entry?.originalSource) return undefined;
  const source = entry.originalSource.startsWith("file://")
    ? fileURLToPath(entry.originalSource)
    : join(path, "..", entry.originalSource);
  return `${relative(repoRoot, source)}:${entry.originalLine + 1}`;
}

/**
 * Self time per function in a `.cpuprofile` (the time a sample landed in it, not in its callees), busiest
 * first. `(idle)` is left out; `(garbage collector)` and `(program)` stay, they are part of the cost.
 */
export function summarizeProfile(path, top = 10) {
  const profile = JSON.parse(readFileSync(path, "utf8"));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const functions = new Map();
  let busy = 0;
  for (const [id, micros] of selfMicros) {
    const { functionName, url, lineNumber, columnNumber } = byId.get(id).callFrame;
    if (functionName === "(idle)") continue;
    busy += micros;
    const key = `${functionName}|${url}|${lineNumber}|${columnNumber}`;
    const entry = functions.get(key) ?? {
      name: functionName || "(anonymous)",
      location: url ? `${shortPath(url)}:${lineNumber + 1}` : shortPath(url),
      source: originalPosition(url, lineNumber, columnNumber),
      micros: 0,
    };
    entry.micros += micros;
    functions.set(key, entry);
  }
  const rows = [...functions.values()].sort((a, b) => b.micros - a.micros).slice(0, top);
  return {
    busyMs: busy / 1000,
    top: rows.map((r) => ({
      function: r.name,
      selfMs: +(r.micros / 1000).toFixed(1),
      share: busy ? r.micros / busy : 0,
      location: r.location,
      source: r.source,
    })),
  };
}

/** Run the case, then print where the profile is and its top self-time functions. */
export async function runProfile(text, plan, log = console.log) {
  const { server, group, size, conns } = parseCase(text);
  mkdirSync(profileDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const name = `${server.id}-${formatSize(size).replace(" ", "")}-x${conns}-${stamp}.cpuprofile`;
  const nodeArgs = ["--cpu-prof", `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${name}`];
  const entry = { server, ...(await launch(server, nodeArgs)) };
  let row;
  try {
    [row] = await measureBlock([entry], { framing: group.framing, wire: group.wire, size, conns, plan });
  } finally {
    // The profile is written at exit; give it time before the process group is killed.
    await entry.running?.stop(15_000);
  }
  const path = join(profileDir, name);
  log(
    `${server.name} · ${formatSize(size)} · ${conns} conn: ${
      row.status === "ok" ? `${row.messagesPerSecond.toLocaleString("en-US")} msg/s` : `${row.status} (${row.detail})`
    }`,
  );
  if (!existsSync(path)) {
    const others = existsSync(profileDir) ? readdirSync(profileDir).length : 0;
    log(`no profile was written at ${path} (${others} other files in ${profileDir})`);
    return { row };
  }
  const summary = summarizeProfile(path);
  log(`CPU profile of the server: ${path}`);
  log("  (open it in Chrome DevTools → Performance → Load profile, or https://www.speedscope.app)");
  log(`Top ${summary.top.length} functions by self time (${Math.round(summary.busyMs)} ms busy, idle excluded):`);
  for (const f of summary.top) {
    const where = f.source ? `${f.source}  (${f.location})` : f.location;
    log(
      `  ${(f.share * 100).toFixed(1).padStart(5)}%  ${String(Math.round(f.selfMs)).padStart(6)} ms  ${f.function.padEnd(34)} ${where}`,
    );
  }
  return { row, path, summary };
}
