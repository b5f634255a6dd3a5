// Runs every *.deno.test.ts with the real Deno runtime (the `deno` npm package), loopback-only network.
// Usage: node scripts/test-deno.mjs [path-prefix ...]
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { findTests } from "./find-tests.mjs";

const files = findTests(".deno.test.ts", process.argv.slice(2));
if (files.length === 0) {
  console.error("test-deno: no *.deno.test.ts files found");
  process.exit(1);
}
const require = createRequire(import.meta.url);
let denoBin;
try {
  denoBin = require.resolve("deno/bin.cjs");
} catch {
  denoBin = null;
}
const command = denoBin ? process.execPath : "deno";
const args = [
  ...(denoBin ? [denoBin] : []),
  "test",
  "--allow-net=127.0.0.1,localhost",
  "--allow-read",
  "--allow-env",
  "--allow-run",
  "--allow-sys",
  "--no-check",
  ...files,
];
const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, NO_COLOR: "1" } });
process.exit(result.status ?? 1);
