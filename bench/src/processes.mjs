// Spawning servers and clients as separate processes, always cleaned up.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
export const repoRoot = here("../../");
const live = new Set();
for (const signal of ["exit", "SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    for (const child of live) child.kill("SIGKILL");
    if (signal !== "exit") process.exit(130);
  });
}

/** Start a server command and resolve with its port once it prints `listening`. */
export function startServer(command, args, { timeoutMs = 30_000, env } = {}) {
  const child = spawn(command, args, {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  live.add(child);
  child.on("exit", () => live.delete(child));
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(" ")} did not start:\n${output}`)), timeoutMs);
    const onData = (chunk) => {
      output += chunk;
      const match = /listening(?: on)? (?:ws:\/\/)?(?:[\d.]+:)?(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({
          port: Number(match[1]),
          pid: child.pid,
          stop: () =>
            new Promise((done) => {
              if (child.exitCode !== null) return done();
              child.once("exit", done);
              child.kill("SIGTERM");
              setTimeout(() => child.kill("SIGKILL"), 3000).unref();
            }),
        });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (chunk) => (output += chunk));
    child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited (${code}) before listening:\n${output}`)));
  });
}

/** Run the load client and resolve with its JSON line. */
export function runClient(args, timeoutMs) {
  const child = spawn(process.execPath, [here("./client.mjs"), ...args], { stdio: ["ignore", "pipe", "inherit"] });
  live.add(child);
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error("load client timed out"));
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      live.delete(child);
      if (code !== 0) return reject(new Error(`load client exited with ${code}`));
      resolve(JSON.parse(output.trim().split("\n").at(-1)));
    });
  });
}
