// Starts serve.ts in a child process, kills it (SIGKILL: no goodbye to the clients) and starts it again on
// the same port: the outage the reconnecting client must survive.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { FramingName } from "./framings.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const script = fileURLToPath(new URL("./serve.ts", import.meta.url));

/** How long a cold child (Node, tsx, the sources) may take to print `listening`. */
const START_TIMEOUT = 20_000;

export class ServerProcess {
  port = 0;
  private child: ChildProcess | undefined;

  constructor(readonly framing: FramingName) {}

  /** Start the server: on any free port the first time, on the same port after that. */
  async start(): Promise<number> {
    const child = spawn(
      process.execPath,
      ["--conditions=source", "--import", "tsx", script, "--framing", this.framing, "--port", String(this.port)],
      { cwd: root, stdio: ["pipe", "pipe", "pipe"] },
    );
    this.child = child;
    let output = "";
    child.stderr?.setEncoding("utf8").on("data", (text: string) => (output += text));
    this.port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`serve.ts did not start within ${START_TIMEOUT} ms:\n${output}`)),
        START_TIMEOUT,
      );
      child.stdout?.setEncoding("utf8").on("data", (text: string) => {
        output += text;
        const match = /^listening (\d+)$/m.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`serve.ts exited (${signal ?? `code ${code}`}) before listening:\n${output}`));
      });
    });
    return this.port;
  }

  /** Kill the server at once, as a crash or a pulled cable would, and wait until it is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGKILL");
    await exited;
  }
}
