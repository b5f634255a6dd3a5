// Child processes of a bench run (servers, load clients): each in its own process group, always cleaned up.
//
// A process group matters because `node_modules/.bin/deno` is a shell shim that runs a Node wrapper that
// runs the Deno binary: killing only the pid we spawned would leave Deno listening. Every child also gets a
// stdin pipe and exits when it closes, so even a runner killed with SIGKILL leaves nothing behind.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const benchRoot = fileURLToPath(new URL("../", import.meta.url));

/** Children that have not exited yet. */
const live = new Set();

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

process.on("exit", () => {
  for (const child of live) killGroup(child, "SIGKILL");
});
for (const [signal, code] of [
  ["SIGINT", 130],
  ["SIGTERM", 143],
  ["SIGHUP", 129],
]) {
  process.on(signal, () => process.exit(code));
}

/** How many bench children are still running (the smoke check expects none after a run). */
export function liveChildren() {
  return live.size;
}

/**
 * Prefix a command so it runs with at least `files` open file descriptors (raised up to the hard limit).
 * The child reports the limit it got on stderr as `fd-limit N`.
 */
export function withFileLimit(files, command, args) {
  const script = `ulimit -n ${files} 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null; echo "fd-limit $(ulimit -n)" >&2; exec "$0" "$@"`;
  return { command: "/bin/sh", args: ["-c", script, command, ...args] };
}

function spawnChild(command, args, env) {
  const child = spawn(command, args, {
    cwd: repoRoot,
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, ...env },
    detached: true,
  });
  live.add(child);
  child.on("exit", () => live.delete(child));
  child.stdin.on("error", () => {});
  return child;
}

/** Stop a child's whole group: SIGTERM (servers exit at once, writing a CPU profile if asked), then SIGKILL. */
function stopChild(child, graceMs = 2000) {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      killGroup(child, "SIGKILL");
      return done();
    }
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      killGroup(child, "SIGKILL");
      done();
    });
    killGroup(child, "SIGTERM");
  });
}

/** A server that could not start because our package is not built (or not linked) yet. */
export class NotBuiltError extends Error {}

/**
 * Start a server and resolve once it prints `listening <port>`.
 *
 * @example
 * ```js
 * const server = await startServer(process.execPath, ["src/servers/plain-tcp.mjs"]);
 * await server.stop();
 * ```
 */
export function startServer(command, args, { timeoutMs = 20_000, env } = {}) {
  const child = spawnChild(command, args, env);
  let output = "";
  let settled = false;
  return new Promise((resolve, reject) => {
    const fail = (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stopChild(child).then(() => reject(error));
    };
    const notBuilt = () => /not built yet[^\n]*/.exec(output)?.[0];
    const timer = setTimeout(
      () => fail(new Error(`did not print "listening" within ${timeoutMs} ms: ${tail(output)}`)),
      timeoutMs,
    );
    const onData = (chunk) => {
      output += chunk;
      if (settled) return;
      if (notBuilt()) return fail(new NotBuiltError(notBuilt()));
      const match = /listening(?: on)? (?:ws:\/\/)?(?:[\w.[\]:-]+:)?(\d+)/.exec(output);
      if (!match) return;
      settled = true;
      clearTimeout(timer);
      child.stdout.off("data", onData);
      // Keep draining output so a chatty server never blocks on a full pipe.
      child.stdout.on("data", (more) => (output = (output + more).slice(-4096)));
      resolve({
        pid: child.pid,
        port: Number(match[1]),
        output: () => output,
        /** Resolves with the server's next stdout line that parses as JSON (after a signal asking for it). */
        nextJsonLine: (timeout = 5000) => nextJsonLine(child, timeout),
        exited: () => child.exitCode !== null || child.signalCode !== null,
        /** Continue the process group if the load client left it stopped. */
        resume: () => {
          try {
            process.kill(-child.pid, "SIGCONT");
          } catch {
            // Already gone.
          }
        },
        stop: (graceMs) => stopChild(child, graceMs),
      });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (chunk) => onData(String(chunk)));
    // `close` (not `exit`) so everything the server printed has been read.
    child.once("close", (code, signal) => {
      const why = notBuilt();
      fail(why ? new NotBuiltError(why) : new Error(`exited (${code ?? signal}) before listening: ${tail(output)}`));
    });
    child.once("error", (error) => fail(error));
  });
}

function nextJsonLine(child, timeoutMs) {
  return new Promise((resolve, reject) => {
    let buffered = "";
    const onData = (chunk) => {
      buffered += chunk;
      for (const line of buffered.split("\n")) {
        if (!line.startsWith("{")) continue;
        try {
          const value = JSON.parse(line);
          cleanup();
          return resolve(value);
        } catch {
          // Not complete yet.
        }
      }
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no JSON line within ${timeoutMs} ms`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout.off("data", onData);
    };
    child.stdout.on("data", onData);
  });
}

/**
 * Run a Node script to completion and resolve with the last stdout line parsed as JSON. Killed (with its
 * group) after `timeoutMs`.
 */
export function runJsonProcess(script, args, { timeoutMs, nodeArgs = [], fileLimit } = {}) {
  const base = [...nodeArgs, script, ...args];
  const { command, args: fullArgs } = fileLimit
    ? withFileLimit(fileLimit, process.execPath, base)
    : { command: process.execPath, args: base };
  const child = spawnChild(command, fullArgs);
  let output = "";
  let errors = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (errors += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stopChild(child, 0).then(() => reject(new Error(`${script} did not finish within ${timeoutMs} ms`)));
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      killGroup(child, "SIGKILL");
      let result;
      try {
        result = JSON.parse(output.trim().split("\n").at(-1) ?? "");
      } catch {
        // Judged below.
      }
      if (result?.error) return reject(new Error(result.error));
      if (code !== 0) return reject(new Error(`exited with ${code}: ${tail(errors || output)}`));
      if (result === undefined) return reject(new Error(`printed no JSON result: ${tail(output + errors)}`));
      resolve(result);
    });
  });
}

/**
 * Start a long-lived helper process (the idle-connection client) and resolve with its first JSON line.
 * `stop()` ends it.
 */
export function startHelper(script, args, { timeoutMs, fileLimit } = {}) {
  const { command, args: fullArgs } = fileLimit
    ? withFileLimit(fileLimit, process.execPath, [script, ...args])
    : { command: process.execPath, args: [script, ...args] };
  const child = spawnChild(command, fullArgs);
  let errors = "";
  child.stderr.on("data", (chunk) => (errors += chunk));
  return new Promise((resolve, reject) => {
    nextJsonLine(child, timeoutMs).then(
      (value) => resolve({ value, stderr: () => errors, stop: () => stopChild(child) }),
      (error) => stopChild(child, 0).then(() => reject(new Error(`${error.message}: ${tail(errors)}`))),
    );
    child.once("exit", (code) => {
      if (code !== 0) reject(new Error(`exited with ${code}: ${tail(errors)}`));
    });
  });
}

function tail(text) {
  return text.trim().split("\n").slice(-3).join(" | ").slice(-400);
}
