// Packs every publishable package (packages/* whose package.json is not private) with pnpm, exactly as
// `pnpm publish` would, and installs all the tarballs with npm into one throw-away project outside the
// workspace. Every consumer project of the stage is a folder inside it, so one install serves them all.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCommand, tail } from "./harness.mjs";

/** `{ name, version, dir, manifest }` of each package that would be published. */
export function publishablePackages(root) {
  const found = [];
  for (const entry of readdirSync(join(root, "packages")).sort()) {
    const file = join(root, "packages", entry, "package.json");
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, "utf8"));
    if (manifest.private === true) continue;
    found.push({ name: manifest.name, version: manifest.version, dir: join(root, "packages", entry), manifest });
  }
  return found;
}

/** pnpm as the repository pins it: the one running us when started by pnpm, else `npx -y pnpm@10`. */
export function pnpmCommand() {
  const execPath = process.env.npm_execpath ?? "";
  if (/pnpm/.test(execPath) && existsSync(execPath)) return [process.execPath, [execPath]];
  return ["npx", ["-y", "pnpm@10"]];
}

/** The tarball file pnpm writes for a package: `@scope/name` 1.2.3 → `scope-name-1.2.3.tgz`. */
export function tarballName(pkg) {
  return `${pkg.name.replace(/^@/, "").replace("/", "-")}-${pkg.version}.tgz`;
}

/** Packs `packages` into `<work>/tarballs`; throws with pnpm's output when it fails. */
export async function packAll(root, packages, work) {
  const destination = join(work, "tarballs");
  mkdirSync(destination, { recursive: true });
  const [command, prefix] = pnpmCommand();
  const filters = packages.flatMap((pkg) => ["--filter", `./${pkg.dir.slice(root.length + 1)}`]);
  const result = await runCommand(command, [...prefix, "-r", ...filters, "pack", "--pack-destination", destination], {
    cwd: root,
    timeoutMs: 120_000,
  });
  if (result.status !== 0) throw new Error(`pnpm pack failed:\n${tail(result.stdout + result.stderr)}`);
  for (const pkg of packages) {
    pkg.tarball = join(destination, tarballName(pkg));
    if (!existsSync(pkg.tarball)) throw new Error(`pnpm pack wrote no ${pkg.tarball}`);
  }
}

/**
 * Installs every tarball, and the third-party packages the checks need from the npm registry, into
 * `<work>/app`. `thirdParty` maps names to version ranges (taken from the workspace's own, so they agree).
 */
export async function installAll(packages, work, thirdParty) {
  const app = join(work, "app");
  mkdirSync(app, { recursive: true });
  const dependencies = Object.fromEntries(packages.map((pkg) => [pkg.name, `file:${pkg.tarball}`]));
  writeFileSync(
    join(app, "package.json"),
    `${JSON.stringify({ name: "framed-consumer", private: true, type: "module", dependencies: { ...dependencies, ...thirdParty } }, null, 2)}\n`,
  );
  const result = await runCommand(
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund", "--no-update-notifier", "--loglevel=error"],
    { cwd: app, timeoutMs: 180_000, withoutNpmConfig: true },
  );
  if (result.status !== 0) throw new Error(`npm install failed:\n${tail(result.stdout + result.stderr)}`);
  return app;
}

/**
 * Every @framed package in the installed tree came from our tarballs: none was fetched from the registry
 * (a dependency range our tarballs do not satisfy would silently pull someone else's published copy).
 */
export function installedFromTarballs(app) {
  const lock = JSON.parse(readFileSync(join(app, "package-lock.json"), "utf8"));
  const strays = Object.entries(lock.packages ?? {}).filter(
    ([path, entry]) => /(^|\/)node_modules\/@framed\//.test(path) && !String(entry.resolved ?? "").startsWith("file:"),
  );
  if (strays.length > 0) {
    throw new Error(
      `installed from elsewhere than the tarballs: ${strays.map(([p, e]) => `${p} (${e.resolved})`).join(", ")}`,
    );
  }
}
