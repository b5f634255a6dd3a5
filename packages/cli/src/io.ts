/**
 * The process the commands run in, passed explicitly so the CLI can run inside a test or another program:
 * stdin, stdout, a stderr line writer, and a signal that asks a running command to stop (Ctrl-C).
 */
import type { Readable } from "node:stream";
import type { Sink } from "./output.ts";

/** A command's process. */
export interface CliIo {
  stdin: Readable;
  stdout: Sink;
  /** Write one line to stderr. */
  error(line: string): void;
  /** Aborted when the user asks the command to stop (SIGINT, SIGTERM): it closes cleanly and exits 0. */
  stop: AbortSignal;
}

/** This process's stdio, stopped by SIGINT and SIGTERM. */
export function processIo(): CliIo {
  const stopping = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      stopping.abort();
      // A second Ctrl-C does not wait for a peer that never finishes closing.
      process.once(signal, () => process.exit(130));
    });
  }
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    error: (line) => process.stderr.write(`${line}\n`),
    stop: stopping.signal,
  };
}

/** Resolves when `signal` is aborted (never, if it never is). */
export function whenAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}
