// The real Deno executable installed by the `deno` npm package. Spawning it directly (not the Node wrapper in
// node_modules/.bin) means signals reach Deno itself, so servers never outlive whoever started them.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

export function denoBinary() {
  const require = createRequire(import.meta.url);
  try {
    const candidate = join(
      dirname(require.resolve("deno/package.json")),
      process.platform === "win32" ? "deno.exe" : "deno",
    );
    if (existsSync(candidate)) return candidate;
  } catch {
    // Not installed through npm: fall back to a deno on PATH.
  }
  return "deno";
}
