// Runs an example from the repo root: `pnpm example <name> [flags]`.
// Examples run from TypeScript sources (tsx, with the `source` export condition), so no build is needed.
import { spawn } from "node:child_process";
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
const child = spawn(
  process.execPath,
  ["--conditions=source", "--import", "tsx", join("examples", name, "main.ts"), ...flags],
  {
    stdio: "inherit",
  },
);
// Stopping this process stops the example too (servers must not outlive whoever started them).
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
process.on("exit", () => child.kill("SIGTERM"));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
