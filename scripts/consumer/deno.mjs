// Deno consumers, both documented ways, with the real Deno (the workspace's `deno` npm package):
//   npm:  a project whose deno.json maps each package to `npm:@framed/…` and reads the installed tarballs
//         (`nodeModulesDir: "manual"`, the package.json of the installed project);
//   JSR:  each package laid out as `deno publish` would publish it (the tarball without dist/, plus the
//         package's deno.json), checked with `deno publish --dry-run`, and a project whose deno.json maps each package to
//         `jsr:@framed/…`, resolved to those folders through `links` (there is no registry here).
// In each: `deno check` of the echo program and of every README block that imports a `/deno` entry, then the
// echo over every framing.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { denoBinary } from "../deno-binary.mjs";
import { recordProgram, runCommand, tail } from "./harness.mjs";
import { blockSource, readmeBlocks, readmeFiles } from "./readme-blocks.mjs";

const writeJson = (file, value) => writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);

/** `deno check` of `files` in `dir`; one check per file, failed with the diagnostics Deno places in it. */
async function denoCheck(results, deno, dir, files, nameOf, lineOf) {
  const { status, stdout, stderr } = await runCommand(deno, ["check", "--quiet", ...files], {
    cwd: dir,
    timeoutMs: 120_000,
  });
  const output = `${stdout}\n${stderr}`;
  const diagnostics = output.split(/\n(?=TS\d+ \[ERROR\]|error:)/);
  let attributed = 0;
  for (const file of files) {
    const mine = diagnostics.filter((d) => d.includes(`/${file}:`));
    attributed += mine.length;
    const located = mine.map((d) =>
      d.trim().replace(new RegExp(`\\S*/${file}:(\\d+):\\d+`, "g"), (_, line) => lineOf(file, Number(line))),
    );
    results.record(nameOf(file), mine.length === 0, located.join("\n"));
  }
  if (status !== 0 && attributed === 0) results.record(`deno check in ${basename(dir)} ran`, false, tail(output));
}

export async function checkDeno({ root, app, work, packages, results, here }) {
  const deno = denoBinary();
  const imports = (scheme) =>
    Object.fromEntries(packages.map((pkg) => [pkg.name, `${scheme}:${pkg.name}@^${pkg.version}`]));
  const blocks = readmeFiles(root)
    .flatMap((readme) => readmeBlocks(root, readme))
    .filter((b) => b.runtime === "deno" && !b.skip);

  // The npm: project lives inside the installed project, whose package.json and node_modules it reads.
  const npmDir = join(app, "deno-npm");
  mkdirSync(npmDir);
  writeJson(join(npmDir, "deno.json"), { nodeModulesDir: "manual", imports: imports("npm") });

  // The JSR layout: what `deno publish` would upload for each package, from the tarball's own src/.
  const jsrRoot = join(work, "jsr");
  mkdirSync(jsrRoot);
  const folders = [];
  for (const pkg of packages) {
    const folder = join(jsrRoot, basename(pkg.dir));
    mkdirSync(folder);
    // Everything `deno publish` would take from the package folder: all but the git-ignored build output.
    execFileSync("tar", ["-xzf", pkg.tarball, "-C", folder, "--strip-components=1"]);
    rmSync(join(folder, "dist"), { recursive: true, force: true });
    copyFileSync(join(pkg.dir, "deno.json"), join(folder, "deno.json"));
    folders.push(`./${basename(pkg.dir)}`);
  }
  writeJson(join(jsrRoot, "deno.json"), { workspace: folders });
  const jsrDir = join(work, "deno-jsr");
  mkdirSync(jsrDir);
  writeJson(join(jsrDir, "deno.json"), { imports: imports("jsr"), links: folders.map((f) => join("..", "jsr", f)) });

  const publish = runCommand(deno, ["publish", "--dry-run", "--allow-dirty", "--allow-slow-types"], {
    cwd: jsrRoot,
    timeoutMs: 120_000,
  });
  const layouts = [
    { label: "Deno, npm:@framed/… from the installed tarballs", dir: npmDir },
    { label: "Deno, jsr:@framed/… (JSR layout through links)", dir: jsrDir },
  ];
  await Promise.all(
    layouts.map(async ({ label, dir }) => {
      copyFileSync(join(here, "programs", "deno-echo.ts"), join(dir, "deno-echo.ts"));
      const files = ["deno-echo.ts"];
      for (const block of blocks) {
        writeFileSync(join(dir, `${block.id}.ts`), blockSource(block));
        files.push(`${block.id}.ts`);
      }
      const blockOf = (file) => blocks.find((b) => `${b.id}.ts` === file);
      await denoCheck(
        results,
        deno,
        dir,
        files,
        (file) =>
          `${label}: deno check of ${blockOf(file) ? `${blockOf(file).readme} block at line ${blockOf(file).line}` : "the echo program"}`,
        (file, line) =>
          blockOf(file) ? `${blockOf(file).readme}:${blockOf(file).line + line - 1}` : `${file}:${line}`,
      );
      await recordProgram(results, label, deno, ["run", "--allow-net=127.0.0.1", "deno-echo.ts", label], {
        cwd: dir,
        timeoutMs: 90_000,
      });
    }),
  );
  if (packages.some((pkg) => pkg.name === "@framed/cli")) {
    // As the CLI README prints it: `deno run --allow-net npm:@framed/cli connect …`.
    await recordProgram(
      results,
      "the framed CLI on Deno (npm)",
      process.execPath,
      [
        "cli-echo.mjs",
        "Deno, deno run --allow-net npm:@framed/cli",
        npmDir,
        deno,
        "run",
        "--allow-net",
        "npm:@framed/cli",
      ],
      { cwd: join(app, "node"), timeoutMs: 90_000 },
    );
  }
  const published = await publish;
  results.record(
    "JSR layout: deno publish --dry-run of every package passes (slow types allowed)",
    published.status === 0,
    tail(published.stdout + published.stderr),
  );
}
