// Whether one of our servers can run: its package is linked into bench and built (Node), or has a Deno
// entry (Deno runs the sources). Checked before spawning, so a missing package is a table row saying
// "not built yet", never a crashed run.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { benchRoot, repoRoot } from "./processes.mjs";

/** Pick the file an `exports` entry gives Node's ESM loader (conditions node, import, default). */
function importTarget(entry) {
  if (typeof entry === "string") return entry;
  if (!entry || typeof entry !== "object") return undefined;
  for (const condition of ["node", "import", "default"]) {
    if (condition in entry) {
      const found = importTarget(entry[condition]);
      if (found) return found;
    }
  }
  return undefined;
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
}

/**
 * `{ ok: true }`, or `{ ok: false, reason }` with a reason fit for the results table.
 *
 * @example
 * ```js
 * checkAvailable({ runtime: "node", package: "@framed/newline", entry: "./node" });
 * // → { ok: false, reason: "not built yet: packages/newline/dist/node.js is missing (pnpm build)" }
 * ```
 */
export function checkAvailable(server, { nodeModules = join(benchRoot, "node_modules") } = {}) {
  if (!server.package) return { ok: true };
  const folder = server.package.replace(/^@framed\//, "");
  if (server.runtime === "deno") {
    const denoJson = readJson(join(repoRoot, "packages", folder, "deno.json"));
    const target = denoJson?.exports?.[server.entry];
    if (!target || !existsSync(join(repoRoot, "packages", folder, target)))
      return { ok: false, reason: `no Deno adapter yet (${server.package}/${server.entry.slice(2)})` };
    return { ok: true };
  }
  const packageDir = join(nodeModules, server.package);
  const manifest = readJson(join(packageDir, "package.json"));
  if (!manifest)
    return { ok: false, reason: `not built yet: ${server.package} is not linked into bench (pnpm install)` };
  const target = importTarget(manifest.exports?.[server.entry]);
  if (!target) return { ok: false, reason: `not built yet: ${server.package} has no "${server.entry}" export` };
  if (!existsSync(join(packageDir, target)))
    return {
      ok: false,
      reason: `not built yet: packages/${folder}/${target.replace(/^\.\//, "")} is missing (pnpm build)`,
    };
  return { ok: true };
}
