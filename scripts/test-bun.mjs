// Runs every *.bun.test.ts with the real Bun runtime (the `bun` npm package), loopback-only network.
// Usage: node scripts/test-bun.mjs [path-prefix ...]
import { spawnSync } from "node:child_process";
import { bunBinary } from "./bun-binary.mjs";
import { findTests } from "./find-tests.mjs";

const files = findTests(".bun.test.ts", process.argv.slice(2));
if (files.length === 0) {
  console.error("test-bun: no *.bun.test.ts files found");
  process.exit(1);
}
// `bun test` treats bare names as filters; `./` makes each one a path. Our packages resolve to their sources (the
// `source` condition), as under vitest and Deno; a per-test timeout bounds a hang.
const args = ["test", "--conditions=source", "--timeout=20000", ...files.map((f) => `./${f}`)];
const result = spawnSync(bunBinary(), args, { stdio: "inherit", env: { ...process.env, NO_COLOR: "1" } });
process.exit(result.status ?? 1);
