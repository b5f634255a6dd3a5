// Runs an example from the repo root: `pnpm example <name> [flags]`.
// Examples run from TypeScript sources (tsx, with the `source` export condition), so no build is needed.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

const [name, ...flags] = process.argv.slice(2);
const available = existsSync("examples")
  ? readdirSync("examples").filter((d) => existsSync(join("examples", d, "main.ts")))
  : [];
if (!name || !available.includes(name)) {
  console.error(`usage: pnpm example <name> [flags]\navailable: ${available.join(", ")}`);
  process.exit(name ? 1 : 0);
}
const result = spawnSync(
  process.execPath,
  ["--conditions=source", "--import", "tsx", join("examples", name, "main.ts"), ...flags],
  {
    stdio: "inherit",
  },
);
process.exit(result.status ?? 1);
