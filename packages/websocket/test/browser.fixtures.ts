// Fixtures for the Chromium tests: the same command-driven WebSocket echo server (shared/echo-commands.ts)
// on our Node `listen` in this process and on our Deno `listen` in a real Deno child process.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
// @ts-expect-error: a plain .mjs helper without types
import { denoBinary } from "../../../scripts/deno-binary.mjs";
import { listen } from "../src/node.ts";
import { echoRecords, echoServerOptions, serveCommands } from "./shared/echo-commands.ts";

declare module "vitest" {
  interface ProvidedContext {
    websocketEchoUrl: string;
    websocketDenoEchoUrl: string;
  }
}

/** How long the Deno server may take to print its `listening` line (a cold start compiles the sources). */
const DENO_START_TIMEOUT = 20_000;

export async function setup(provide: (key: string, value: unknown) => void): Promise<() => Promise<void>> {
  const records = echoRecords();
  const listener = await listen({ port: 0 }, (stream) => serveCommands(stream, records), echoServerOptions(records));
  let deno: DenoServer;
  try {
    deno = await startDenoServer();
  } catch (error) {
    await listener.close();
    throw error;
  }
  provide("websocketEchoUrl", listener.url);
  provide("websocketDenoEchoUrl", deno.url);
  return async () => {
    await Promise.all([listener.close(), deno.stop()]);
  };
}

interface DenoServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * Start test/fixtures/echo-server.deno.ts with the real Deno binary and wait for its `listening <url>`
 * line. A failed start rejects with everything Deno printed.
 */
async function startDenoServer(): Promise<DenoServer> {
  const repo = fileURLToPath(new URL("../../../", import.meta.url));
  const script = fileURLToPath(new URL("./fixtures/echo-server.deno.ts", import.meta.url));
  const child = spawn(
    denoBinary(),
    ["run", "--config", `${repo}deno.json`, "--allow-net=127.0.0.1", script],
    // Its own process group, so teardown can signal Deno and anything it started; stdin stays a pipe so
    // the server exits by itself when this process goes away.
    { cwd: repo, stdio: ["pipe", "pipe", "pipe"], detached: true },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let output = "";
  child.stderr?.setEncoding("utf8").on("data", (text: string) => (output += text));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the Deno echo server did not start within ${DENO_START_TIMEOUT} ms`)),
        DENO_START_TIMEOUT,
      );
      child.stdout?.setEncoding("utf8").on("data", (text: string) => {
        output += text;
        const match = /^listening (\S+)$/m.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1] as string);
        }
      });
      child.once("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the Deno echo server exited (${signal ?? `code ${code}`}) before listening`));
      });
    });
    return { url, stop: () => stopGroup(child, exited) };
  } catch (error) {
    await stopGroup(child, exited);
    throw new Error(`${(error as Error).message}; ${denoBinary()} printed:\n${output || "(nothing)"}`, {
      cause: error,
    });
  }
}

/** SIGTERM the child's process group, then SIGKILL it if it has not exited within 5 s. */
async function stopGroup(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), name);
    } catch {
      // Already gone.
    }
  };
  signal("SIGTERM");
  child.stdin?.end();
  const timer = setTimeout(() => signal("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}
