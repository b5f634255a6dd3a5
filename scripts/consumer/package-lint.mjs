// The tarballs themselves, not the package folders, through the tools npm users' tooling trusts:
// `@arethetypeswrong/cli` (types resolve for ESM and CommonJS importers under node16 and bundlers) and
// `publint --strict` (exports, files and fields of the packed package.json); and the files every tarball
// must carry beside its code (the license its package.json names, the README npm shows).
import { join } from "node:path";
import { runCommand, tail } from "./harness.mjs";

/** The attw profile the package's own lint script uses (`esm-only` for an ESM-only package), else node16. */
function attwProfile(pkg) {
  return /--profile\s+(\S+)/.exec(pkg.manifest.scripts?.lint ?? "")?.[1] ?? "node16";
}

export async function checkPackageLint({ root, packages, results }) {
  const bin = (name) => join(root, "node_modules/.bin", name);
  for (const pkg of packages) {
    await results.check(`the ${pkg.name} tarball carries LICENSE and README.md`, async () => {
      const listing = await runCommand("tar", ["-tzf", pkg.tarball]);
      const files = new Set(listing.stdout.split("\n"));
      const missing = ["package/LICENSE", "package/README.md"].filter((file) => !files.has(file));
      if (missing.length > 0) throw new Error(`missing ${missing.join(", ")}`);
    });
  }
  await Promise.all(
    packages.flatMap((pkg) => [
      (async () => {
        const { status, stdout, stderr } = await runCommand(
          bin("attw"),
          [pkg.tarball, "--profile", attwProfile(pkg), "--format", "ascii"],
          { timeoutMs: 120_000 },
        );
        results.record(
          `attw (profile ${attwProfile(pkg)}) finds no type problem in the ${pkg.name} tarball`,
          status === 0,
          tail(stdout + stderr),
        );
      })(),
      (async () => {
        const { status, stdout, stderr } = await runCommand(bin("publint"), ["--strict", pkg.tarball], {
          timeoutMs: 60_000,
        });
        const clean = status === 0 && !/warning|error|suggestion/i.test(stdout.replace(/Running publint.*\n/, ""));
        results.record(`publint --strict passes on the ${pkg.name} tarball`, clean, tail(stdout + stderr));
      })(),
    ]),
  );
}
