// The README's demo: build every package (turbo, cached), then run the demo examples.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" };
const step = (label, command, args) => {
  console.log(`\n▶ ${label}`);
  const result = spawnSync(command, args, { stdio: "inherit", env });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

step("build all packages", process.execPath, [
  "node_modules/turbo/bin/turbo",
  "run",
  "build",
  "--output-logs=errors-only",
]);
const demos = [["swap", "--runtime", "node", "--framing", "all"], ["custom-framing"]];
for (const [name, ...flags] of demos) {
  if (!existsSync(`examples/${name}/main.ts`)) continue;
  step(`example ${name}`, process.execPath, ["scripts/example.mjs", name, ...flags]);
}
