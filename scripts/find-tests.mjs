// Lists test files by suffix under packages/*/test and examples/*/test (no glob dependency).
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules") continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

/** Test files ending in `suffix`, optionally only under `within` (a path prefix). */
export function findTests(suffix, within = []) {
  const files = [];
  for (const root of ["packages", "examples"]) {
    if (!existsSync(root)) continue;
    for (const name of readdirSync(root)) {
      const testDir = join(root, name, "test");
      if (existsSync(testDir)) files.push(...walk(testDir, []).filter((f) => f.endsWith(suffix)));
    }
  }
  const filtered = within.length
    ? files.filter((f) => within.some((w) => f.startsWith(w.replace(/^\.\//, ""))))
    : files;
  return filtered.sort();
}
