// The consumer stage's bookkeeping: one counted result per check, printed as it lands, summed at the end.
import { spawn } from "node:child_process";

export class Results {
  passed = 0;
  failed = 0;
  /** @type {Array<{ check: string, ok: boolean, detail?: string, ms?: number }>} */
  all = [];

  record(check, ok, detail, ms) {
    this.all.push({ check, ok, detail, ms });
    if (ok) this.passed++;
    else this.failed++;
    const time = ms === undefined ? "" : ` (${ms} ms)`;
    console.log(
      `${ok ? "  ✓" : "  ✗"} ${check}${time}${ok || !detail ? "" : `\n      ${detail.replaceAll("\n", "\n      ")}`}`,
    );
  }

  /** Runs `fn` as one check: passes when it returns, fails with its error's message when it throws; says which. */
  async check(check, fn) {
    const start = performance.now();
    try {
      await fn();
      this.record(check, true, undefined, Math.round(performance.now() - start));
      return true;
    } catch (error) {
      this.record(
        check,
        false,
        error instanceof Error ? error.message : String(error),
        Math.round(performance.now() - start),
      );
      return false;
    }
  }
}

/**
 * Runs a command to its end (bounded by `timeoutMs`, then killed) and resolves with its exit status and
 * output; never rejects, so a missing tool is a failed check, not a crashed stage.
 */
export function runCommand(command, args, { cwd, env, timeoutMs = 60_000, input, withoutNpmConfig = false } = {}) {
  // Under `pnpm test`, pnpm's settings reach us as npm_config_* variables; npm must not read them as its own.
  const inherited = withoutNpmConfig
    ? Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_config_/i.test(name)))
    : process.env;
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...inherited, NO_COLOR: "1", ...env },
      stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    if (input !== undefined) child.stdin.end(input);
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${timeoutMs} ms)`;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", (error) => {
      stderr += String(error);
    });
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      resolve({ status: status ?? (signal ? 1 : 0), stdout, stderr });
    });
  });
}

/** The last `max` characters of a command's output, for a failure's detail. */
export function tail(text, max = 1500) {
  const trimmed = text.trim();
  return trimmed.length > max ? `…${trimmed.slice(-max)}` : trimmed;
}

/**
 * Runs a consumer program that prints one JSON line per check (`{"check", "ok", "detail"}`) and records each;
 * a program that dies before reporting is one failed check named `what`.
 */
export async function recordProgram(results, what, command, args, options) {
  const start = performance.now();
  const { status, stdout, stderr } = await runCommand(command, args, options);
  const lines = stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line));
  for (const line of lines) results.record(line.check, line.ok, line.detail);
  if (lines.length === 0 || status !== 0) {
    results.record(
      `${what}: program ran to its end`,
      false,
      tail(`exit ${status}\n${stdout}\n${stderr}`),
      Math.round(performance.now() - start),
    );
  }
}
