/**
 * The tests' way to run `framed` as a user does: the built bin as a child process with real stdin, stdout
 * and stderr pipes. The bin is rebuilt first when a source file is newer than it.
 */
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
export const BIN = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

/** Build the bin when it is missing or older than a source file (the test command builds first anyway). */
export function ensureBuilt(): void {
  const built = (() => {
    try {
      return statSync(BIN).mtimeMs;
    } catch {
      return 0;
    }
  })();
  const sources = readdirSync(new URL("../src", import.meta.url)).map(
    (name) => statSync(new URL(`../src/${name}`, import.meta.url)).mtimeMs,
  );
  if (built > Math.max(...sources)) return;
  execFileSync(
    process.execPath,
    [fileURLToPath(new URL("../../../node_modules/tsup/dist/cli-default.js", import.meta.url))],
    {
      cwd: packageDir,
      stdio: "ignore",
    },
  );
}

/** What a finished run printed and returned. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A running `framed`. */
export interface CliProcess {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves when stdout or stderr matches `pattern` (bounded by `ms`), with the match. */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpExecArray>;
  /** Resolves with the exit code and everything printed (the child is killed after `ms`). */
  done(ms?: number): Promise<CliResult>;
}

/**
 * Start `framed args…`.
 *
 * @example
 * ```ts
 * const cli = startCli(["connect", url]);
 * cli.child.stdin.end("hello\n");
 * const { code, stdout } = await cli.done();
 * ```
 */
export function startCli(args: readonly string[]): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: "pipe" });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  child.stdin.on("error", () => {}); // a child that exits before reading all of stdin
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    async waitFor(pattern, ms = 10_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const match = pattern.exec(stdout) ?? pattern.exec(stderr);
        if (match) return match;
        if (Date.now() > deadline || child.exitCode !== null) {
          throw new Error(`framed ${args.join(" ")} never printed ${pattern}:\nstdout: ${stdout}\nstderr: ${stderr}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async done(ms = 15_000) {
      const timer = setTimeout(() => child.kill("SIGKILL"), ms);
      const code = await exited;
      clearTimeout(timer);
      return { code, stdout, stderr };
    },
  };
}

/**
 * Run `framed args…` with `input` on stdin (ended), and wait for it to exit.
 *
 * @example
 * ```ts
 * const { code, stdout } = await runCli(["connect", url, "--linger", "200"], "a\nb\n");
 * ```
 */
export function runCli(args: readonly string[], input?: string | Uint8Array, ms?: number): Promise<CliResult> {
  const cli = startCli(args);
  if (input === undefined) cli.child.stdin.end();
  else cli.child.stdin.end(input);
  return cli.done(ms);
}
