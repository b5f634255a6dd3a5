// The consumer stage: what users install is what is tested. Builds, packs every publishable package,
// installs the tarballs into one throw-away project outside the workspace, and runs them the ways users do:
// Node ESM, CommonJS and both in one process; strict TypeScript over every README's code blocks; Deno through
// npm: and through the JSR layout; an esbuild bundle in the real Chromium; attw and publint on the tarballs.
// Prints each check, then `N passed, N failed`, and writes .consumer-results/results.json.
//
// Usage: node scripts/consumer/run.mjs [--keep] [--write-sizes]
//   --keep         leave the throw-away project in place (its path is printed)
//   --write-sizes  rewrite the sizes the READMEs quote from this run's measurements
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { checkBrowser } from "./browser.mjs";
import { checkDeno } from "./deno.mjs";
import { Results, recordProgram, runCommand, tail } from "./harness.mjs";
import { installAll, installedFromTarballs, packAll, pnpmCommand, publishablePackages } from "./install.mjs";
import { checkPackageLint } from "./package-lint.mjs";
import { checkReadmes } from "./readme-check.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const keep = process.argv.includes("--keep");
const writeSizes = process.argv.includes("--write-sizes");
const started = performance.now();
const results = new Results();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;

const rootManifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
/** Third-party packages the consumer projects need, at the workspace's own ranges: Node's types for the
 * TypeScript projects, and fast-check, the optional peer dependency of `@framed/core/testing`. */
const thirdParty = Object.fromEntries(
  ["@types/node", "fast-check"].map((name) => [name, rootManifest.devDependencies[name]]),
);

const work = mkdtempSync(join(tmpdir(), "framed-consumer-"));
let app;
const packages = publishablePackages(root);
await results.check(`build, pnpm pack and npm install of ${packages.map((p) => p.name).join(", ")}`, async () => {
  const [pnpm, pnpmArgs] = pnpmCommand();
  const build = await runCommand(pnpm, [...pnpmArgs, "run", "build", "--output-logs=errors-only"], {
    cwd: root,
    env: { TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" },
    timeoutMs: 300_000,
  });
  if (build.status !== 0) throw new Error(`build failed:\n${tail(build.stdout + build.stderr)}`);
  await packAll(root, packages, work);
  app = await installAll(packages, work, thirdParty);
});
console.log(`  (packed and installed in ${elapsed()}, under ${work})`);

if (app) {
  await results.check("every installed @framed package came from the packed tarballs, none from a registry", () =>
    installedFromTarballs(app),
  );

  // Node: the programs live in a folder of the installed project, so they resolve its node_modules only.
  const nodeDir = join(app, "node");
  mkdirSync(nodeDir);
  for (const file of readdirSync(join(here, "programs")))
    copyFileSync(join(here, "programs", file), join(nodeDir, file));
  const checkNode = () =>
    Promise.all([
      recordProgram(results, "Node ESM", process.execPath, ["echo-esm.mjs"], { cwd: nodeDir, timeoutMs: 90_000 }),
      recordProgram(results, "Node CommonJS", process.execPath, ["echo-cjs.cjs"], { cwd: nodeDir, timeoutMs: 90_000 }),
      ...(packages.some((pkg) => pkg.name === "@framed/cli")
        ? [
            recordProgram(
              results,
              "the framed bin (npm)",
              process.execPath,
              [
                "cli-echo.mjs",
                "the framed bin from the @framed/cli tarball",
                nodeDir,
                join(app, "node_modules/.bin/framed"),
              ],
              { cwd: nodeDir, timeoutMs: 90_000 },
            ),
          ]
        : []),
      recordProgram(results, "Node ESM + CommonJS", process.execPath, ["echo-mixed.mjs"], {
        cwd: nodeDir,
        timeoutMs: 90_000,
      }),
    ]);

  // The sections share nothing but the installed project (each writes its own folder), so they run together:
  // most of their time is spent waiting on child processes.
  const context = { root, app, work, packages, results, writeSizes, here };
  await Promise.all(
    [
      ["Node", checkNode],
      ["TypeScript", checkReadmes],
      ["Deno", checkDeno],
      ["browser", checkBrowser],
      ["attw + publint", checkPackageLint],
    ].map(async ([what, section]) => {
      try {
        await section(context);
      } catch (error) {
        results.record(
          `${what}: the section ran to its end`,
          false,
          error instanceof Error ? error.stack : String(error),
        );
      }
      console.log(`  (${what} done at ${elapsed()})`);
    }),
  );
}

if (keep) console.log(`kept ${work}`);
else rmSync(work, { recursive: true, force: true });
const out = join(root, ".consumer-results");
mkdirSync(out, { recursive: true });
writeFileSync(
  join(out, "results.json"),
  `${JSON.stringify({ passed: results.passed, failed: results.failed, seconds: (performance.now() - started) / 1000, checks: results.all }, null, 2)}\n`,
);
console.log(`consumer stage: ${elapsed()}`);
console.log(`${results.passed} passed, ${results.failed} failed`);
process.exit(results.failed > 0 ? 1 : 0);
