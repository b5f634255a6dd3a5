// Every command a README shows must work as printed on a machine with only Node and npm: no bare `pnpm …`
// (pnpm need not be installed; the READMEs say `npx -y pnpm@10 …`, and `node scripts/example.mjs …` for
// examples, which also exits 0 on Ctrl-C where a package manager reports a failed command).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "*README.md"], {
  encoding: "utf8",
})
  .split("\n")
  .filter((file) => file && !file.includes("node_modules/"));

const problems = [];
for (const file of files) {
  const lines = readFileSync(file, "utf8").split("\n");
  let inBlock = false;
  let shellBlock = false;
  lines.forEach((line, index) => {
    const fence = /^\s*```(\w*)/.exec(line);
    if (fence) {
      inBlock = !inBlock;
      shellBlock = inBlock && ["sh", "bash", "shell", "console", ""].includes(fence[1]);
      return;
    }
    // Commands in shell blocks, and inline code spans anywhere.
    const commands = inBlock ? (shellBlock ? [line.trim()] : []) : [...line.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    for (const command of commands) {
      if (/^(?:\$ )?pnpm\s/.test(command) || /(?:&&|;|\|)\s*pnpm\s/.test(command)) {
        problems.push(
          `${file}:${index + 1}: "${command}" needs pnpm installed; write "npx -y pnpm@10 …" (or "node scripts/example.mjs …")`,
        );
      }
    }
  });
}
if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log(`README commands: ${files.length} READMEs, every command runs with only Node and npm`);
