// Checks that each package's deno.json exports the same subpaths as its package.json, pointing at the
// same source files (the `source` condition), that no other condition points npm users at a .ts file, and
// that name and version agree; then type-checks every
// exported entry with the real Deno (`deno check`), since Deno users import the TypeScript sources and
// Deno's DOM and typed-array types are stricter than the ones `tsc` checks against.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { denoBinary } from "./deno-binary.mjs";

let problems = 0;
const entries = [];
for (const name of readdirSync("packages")) {
  const dir = join("packages", name);
  const pkgPath = join(dir, "package.json");
  const denoPath = join(dir, "deno.json");
  if (!existsSync(pkgPath)) continue;
  const pkg = JSON.parse(readFileSync(pkgPath, "utf8"));
  if (!existsSync(denoPath)) {
    console.error(`${dir}: missing deno.json`);
    problems++;
    continue;
  }
  const deno = JSON.parse(readFileSync(denoPath, "utf8"));
  if (deno.name !== pkg.name || deno.version !== pkg.version) {
    console.error(
      `${dir}: deno.json name/version ${deno.name}@${deno.version} != package.json ${pkg.name}@${pkg.version}`,
    );
    problems++;
  }
  const fromPackage = Object.entries(pkg.exports ?? {})
    .filter(([subpath]) => subpath !== "./package.json")
    .map(([subpath, target]) => [subpath, typeof target === "object" ? target.source : target]);
  // Deno refuses TypeScript inside node_modules (ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING), so an npm
  // install must hand Deno the built files: only `source`, which no runtime uses by default, may name a .ts.
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    if (typeof target !== "object") continue;
    for (const [condition, file] of Object.entries(target)) {
      if (condition !== "source" && typeof file === "string" && /\.ts$/.test(file) && !/\.d\.ts$/.test(file)) {
        console.error(
          `${dir}: export "${subpath}" condition "${condition}" names ${file}, TypeScript an npm user cannot run`,
        );
        problems++;
      }
    }
  }
  const denoExports = typeof deno.exports === "string" ? { ".": deno.exports } : (deno.exports ?? {});
  for (const target of Object.values(denoExports)) entries.push(join(dir, target));
  for (const [subpath, source] of fromPackage) {
    if (denoExports[subpath] !== source) {
      console.error(
        `${dir}: export "${subpath}" is ${source} in package.json but ${denoExports[subpath]} in deno.json`,
      );
      problems++;
    }
  }
  for (const subpath of Object.keys(denoExports)) {
    if (!fromPackage.some(([s]) => s === subpath)) {
      console.error(`${dir}: deno.json exports "${subpath}" which package.json does not`);
      problems++;
    }
  }
}
if (problems > 0) process.exit(1);
console.log("deno.json exports match package.json in every package");

const check = spawnSync(denoBinary(), ["check", "--quiet", ...entries], {
  stdio: "inherit",
  env: { ...process.env, NO_COLOR: "1" },
});
if (check.status !== 0) {
  console.error(`deno check failed for the exported entries (${entries.length} files)`);
  process.exit(1);
}
console.log(`deno check: ${entries.length} exported entries type-check under Deno`);
