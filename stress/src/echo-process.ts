/**
 * Starts the repo's echo example (examples/echo) in its own process and waits for its `listening` line.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

export interface EchoProcess {
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function startEcho(args: string[], timeoutMs = 30_000): Promise<EchoProcess> {
  const child = spawn(process.execPath, ["scripts/example.mjs", "echo", "--port", "0", ...args], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`echo ${args.join(" ")} did not print "listening" in ${timeoutMs} ms`)),
      timeoutMs,
    );
    let buffered = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const match = /listening.*?:(\d+)/.exec(buffered);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once("exit", (code) => reject(new Error(`echo ${args.join(" ")} exited with ${code} before listening`)));
  });
  child.stdout?.resume();
  return {
    port,
    child,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
