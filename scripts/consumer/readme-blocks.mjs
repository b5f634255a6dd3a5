// Finds the TypeScript code blocks of every README (root, packages/*, examples/*), read from the README text
// itself so a stale snippet fails. An HTML comment right before a block (blank lines allowed) tells the
// consumer stage what to do with it; GitHub does not render it:
//
//   <!-- consumer: skip <why> -->          not compiled (a fragment that cannot stand alone); keep these rare
//   <!-- consumer: run -->                 compiled and also run: it must exit 0 on its own within 30 s
//   <!-- consumer: declare                 ambient declarations for the names a snippet leaves to the reader
//   declare const cert: string;            (`handler`, `cert`…), or the import an excerpt of a file relies on,
//   -->                                    appended after the block so that error line numbers stay the README's
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** README.md files the stage reads, relative to the repository root. */
export function readmeFiles(root) {
  const files = ["README.md"];
  for (const folder of ["packages", "examples"]) {
    for (const name of readdirSync(join(root, folder)).sort()) {
      const file = join(folder, name, "README.md");
      if (existsSync(join(root, file))) files.push(file);
    }
  }
  return files;
}

/**
 * Every ```ts block of `readme` as `{ readme, line, code, skip?, run, declare, runtime, id }`. `line` is the
 * README line of the block's first code line; `runtime` is `deno` or `browser` when the block imports such an
 * entry, else `node`.
 */
export function readmeBlocks(root, readme) {
  const lines = readFileSync(join(root, readme), "utf8").split("\n");
  const blocks = [];
  let directive = {};
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const comment = /^<!--\s*consumer:\s*(skip|run|declare)\b([\s\S]*)$/.exec(line);
    if (comment) {
      let body = comment[2];
      while (!body.includes("-->") && i + 1 < lines.length) body += `\n${lines[++i]}`;
      body = body.slice(0, body.indexOf("-->")).trim();
      if (comment[1] === "skip") {
        if (body === "") throw new Error(`${readme}:${i + 1}: a consumer skip must say why`);
        directive.skip = body;
      } else if (comment[1] === "run") directive.run = true;
      else directive.declare = body;
      continue;
    }
    const fence = /^```(\w*)\s*$/.exec(line);
    if (!fence) {
      if (line.trim() !== "") directive = {};
      continue;
    }
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end++;
    if (fence[1] === "ts" || fence[1] === "typescript") {
      const code = lines.slice(start, end).join("\n");
      const runtime = /from\s+["'][^"']*\/deno["']/.test(code)
        ? "deno"
        : /from\s+["'][^"']*\/browser["']/.test(code)
          ? "browser"
          : "node";
      blocks.push({
        readme,
        line: start + 1,
        code,
        skip: directive.skip,
        run: directive.run === true,
        declare: directive.declare ?? "",
        runtime,
        id: `${readme.replace(/\/?README\.md$/, "").replaceAll("/", "-") || "root"}-L${start + 1}`,
      });
    }
    directive = {};
    i = end;
  }
  return blocks;
}

/** The text a block is compiled from: the README's lines unchanged, then its declarations. */
export function blockSource(block) {
  return `${block.code}\n${block.declare ? `\n${block.declare}\n` : ""}export {};\n`;
}
