// Strict TypeScript consumers: every README's ```ts blocks, and every exported entry (ESM and, under nodenext,
// CommonJS `.d.cts`), compiled against the installed tarballs with `strict` and `skipLibCheck: false`, under
// `moduleResolution` nodenext and bundler, Node blocks with @types/node and browser blocks with the DOM lib.
// Blocks marked `<!-- consumer: run -->` are then run. Deno blocks are checked by deno.mjs.
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { recordProgram, runCommand, tail } from "./harness.mjs";
import { blockSource, readmeBlocks, readmeFiles } from "./readme-blocks.mjs";

const compilerBase = {
  strict: true,
  skipLibCheck: false,
  target: "es2022",
  noEmitOnError: false,
  noUnusedLocals: false,
  verbatimModuleSyntax: false,
};
const resolutions = {
  nodenext: { module: "nodenext", moduleResolution: "nodenext" },
  bundler: { module: "esnext", moduleResolution: "bundler" },
};
const environments = {
  node: { lib: ["es2022"], types: ["node"] },
  browser: { lib: ["es2022", "dom", "dom.iterable"], types: [] },
};

/**
 * Every subpath a package exports, as import specifiers, split by the runtime its types need; `commonjs` lists
 * those a CommonJS program can `require` (a `require` condition: ESM-only packages have none).
 */
function entrySpecifiers(packages) {
  const node = [];
  const browser = [];
  const commonjs = [];
  for (const pkg of packages) {
    for (const [subpath, target] of Object.entries(pkg.manifest.exports ?? { ".": "" })) {
      if (subpath === "./package.json") continue;
      const specifier = subpath === "." ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;
      if (subpath === "./browser") browser.push(specifier);
      else if (subpath !== "./deno") {
        node.push(specifier);
        if (typeof target === "object" && target !== null && "require" in target) commonjs.push(specifier);
      }
    }
  }
  return { node, browser, commonjs };
}

function entriesFile(specifiers, commonjs) {
  const lines = specifiers.map((s, i) =>
    commonjs ? `import entry${i} = require("${s}");` : `import * as entry${i} from "${s}";`,
  );
  const names = specifiers.map((_, i) => `entry${i}`).join(", ");
  return `${lines.join("\n")}\n${commonjs ? `export = [${names}];` : `export const entries = [${names}];`}\n`;
}

/** `file(line,col): error TS…` diagnostics of a tsc run, grouped by file name (relative to its folder). */
function diagnosticsByFile(output) {
  const byFile = new Map();
  let current;
  for (const line of output.split("\n")) {
    const match = /^(.+?)\((\d+),(\d+)\): error (TS\d+: .*)$/.exec(line);
    if (match) {
      current = { file: match[1], line: Number(match[2]), text: match[4] };
      if (!byFile.has(current.file)) byFile.set(current.file, []);
      byFile.get(current.file).push(current);
    } else if (current && line.startsWith("  ")) current.text += `\n${line.trim()}`;
  }
  return byFile;
}

/** An unshared network namespace with only loopback up, so a README's fixed port never meets another process's. */
async function isolatedNetwork() {
  for (const flags of [["--net"], ["--map-root-user", "--net"]]) {
    const probe = await runCommand("unshare", [...flags, "sh", "-c", "ip link set lo up"], { timeoutMs: 5000 });
    if (probe.status === 0) return flags;
  }
  return undefined;
}

export async function checkReadmes({ root, app, packages, results, here }) {
  const blocks = readmeFiles(root).flatMap((readme) => readmeBlocks(root, readme));
  for (const block of blocks.filter((b) => b.skip))
    console.log(`  - skipped ${block.readme}:${block.line}: ${block.skip}`);
  // A syntax error in one file stops tsc from reporting any type error in all of them, so blocks that do not
  // parse fail here, each on its own, and stay out of the programs.
  const ts = createRequire(join(root, "package.json"))("typescript");
  const compiled = [];
  for (const block of blocks.filter((b) => !b.skip && b.runtime !== "deno")) {
    const { diagnostics } = ts.transpileModule(blockSource(block), {
      reportDiagnostics: true,
      fileName: `${block.id}.ts`,
    });
    if (diagnostics.length === 0) {
      compiled.push(block);
      continue;
    }
    const detail = diagnostics.map((d) => {
      const { line } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
      return `${block.readme}:${block.line + line}: TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`;
    });
    results.record(`${block.readme} block at line ${block.line} is valid TypeScript syntax`, false, detail.join("\n"));
  }
  const entries = entrySpecifiers(packages);
  const tsc = join(root, "node_modules/typescript/bin/tsc");
  const runs = [];
  for (const [resolution, resolutionOptions] of Object.entries(resolutions)) {
    const dir = join(app, `ts-${resolution}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "package.json"), `${JSON.stringify({ type: "module" })}\n`);
    for (const block of compiled) writeFileSync(join(dir, `${block.id}.ts`), blockSource(block));
    for (const [environment, environmentOptions] of Object.entries(environments)) {
      const files = compiled
        .filter((b) => (b.runtime === "browser") === (environment === "browser"))
        .map((b) => `${b.id}.ts`);
      writeFileSync(join(dir, `entries-${environment}.ts`), entriesFile(entries[environment], false));
      files.push(`entries-${environment}.ts`);
      if (resolution === "nodenext" && environment === "node") {
        writeFileSync(join(dir, "entries-node.cts"), entriesFile(entries.commonjs, true));
        copyFileSync(join(here, "programs", "echo-typescript.cts"), join(dir, "echo-typescript.cts"));
        files.push("entries-node.cts", "echo-typescript.cts");
      }
      const emit = resolution === "nodenext" && environment === "node";
      const config = {
        compilerOptions: {
          ...compilerBase,
          ...resolutionOptions,
          ...environmentOptions,
          ...(emit ? { outDir: "out" } : { noEmit: true }),
        },
        files,
      };
      writeFileSync(join(dir, `tsconfig.${environment}.json`), `${JSON.stringify(config, null, 2)}\n`);
      runs.push({
        resolution,
        environment,
        dir,
        files,
        promise: runCommand(process.execPath, [tsc, "-p", `tsconfig.${environment}.json`, "--pretty", "false"], {
          cwd: dir,
          timeoutMs: 120_000,
        }),
      });
    }
  }
  for (const run of runs) {
    const { status, stdout, stderr } = await run.promise;
    const byFile = diagnosticsByFile(stdout);
    const where = `strict TypeScript, moduleResolution ${run.resolution}, ${run.environment === "node" ? "@types/node" : "DOM lib"}`;
    for (const file of run.files) {
      const errors = byFile.get(file) ?? [];
      byFile.delete(file);
      const block = compiled.find((b) => `${b.id}.ts` === file);
      const readmeLine = (line) => (block ? `${block.readme}:${block.line + line - 1}` : `${file}:${line}`);
      const name = block
        ? `${where}: ${block.readme} block at line ${block.line} compiles`
        : file === "echo-typescript.cts"
          ? `${where}: an echo program written as CommonJS (.cts) compiles`
          : `${where}: ${file.endsWith(".cts") ? "require() of every CommonJS" : "import of every"} exported entry compiles`;
      results.record(name, errors.length === 0, errors.map((e) => `${readmeLine(e.line)}: ${e.text}`).join("\n"));
    }
    const elsewhere = [...byFile.values()].flat();
    const crashed = status !== 0 && byFile.size === 0 && run.files.every((f) => !diagnosticsByFile(stdout).has(f));
    results.record(
      `${where}: the packages' own .d.ts files compile (skipLibCheck: false)`,
      elsewhere.length === 0 && !crashed,
      elsewhere.length > 0 ? elsewhere.map((e) => `${e.file}:${e.line}: ${e.text}`).join("\n") : tail(stdout + stderr),
    );
  }

  const compiledCommonJs = join(app, "ts-nodenext", "out", "echo-typescript.cjs");
  if (existsSync(compiledCommonJs)) {
    await recordProgram(results, "TypeScript compiled to CommonJS", process.execPath, [compiledCommonJs], {
      cwd: join(app, "ts-nodenext"),
      timeoutMs: 90_000,
    });
  } else results.record("TypeScript compiled to CommonJS: tsc wrote the echo program", false, `no ${compiledCommonJs}`);

  const runnable = compiled.filter((b) => b.run && b.runtime === "node");
  if (runnable.length === 0) return;
  const isolated = await isolatedNetwork();
  await Promise.all(
    runnable.map(async (block) => {
      const script = join(app, "ts-nodenext", "out", `${block.id}.js`);
      const name = `${block.readme} block at line ${block.line} runs to its end (compiled, Node${isolated ? ", own network namespace" : ""})`;
      if (!existsSync(script)) return results.record(name, false, `tsc wrote no ${script}`);
      const command = isolated
        ? ["unshare", [...isolated, "sh", "-c", 'ip link set lo up && exec "$0" "$@"', process.execPath, script]]
        : [process.execPath, [script]];
      const { status, stdout, stderr } = await runCommand(command[0], command[1], {
        cwd: join(app, "ts-nodenext"),
        timeoutMs: 30_000,
      });
      results.record(name, status === 0, tail(`exit ${status}\n${stdout}${stderr}`));
    }),
  );
}
