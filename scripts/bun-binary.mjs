// The real Bun executable installed by the `bun` npm package (its postinstall links the platform binary to
// bin/bun.exe, on every OS), spawned directly so signals reach Bun itself; falls back to a bun on PATH.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

export function bunBinary() {
  const require = createRequire(import.meta.url);
  try {
    const bin = join(dirname(require.resolve("bun/package.json")), "bin");
    for (const name of ["bun.exe", "bun"]) if (existsSync(join(bin, name))) return join(bin, name);
  } catch {
    // Not installed through npm.
  }
  return "bun";
}
