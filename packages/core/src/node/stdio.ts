/**
 * Framing over a process's stdio or a child process's pipes (JSON-RPC-over-stdio style).
 */
import type { ChildProcess } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { Connection } from "../connection.ts";
import type { Framing } from "../framing.ts";
import type { FramedStream, StreamOptions } from "../message-stream.ts";
import { nodeStreamTransport } from "./stream-transport.ts";

/** Options for {@link stdio}. */
export interface StdioOptions extends StreamOptions {
  /** Default `process.stdin`. */
  input?: Readable;
  /** Default `process.stdout`. */
  output?: Writable;
}

/**
 * This process's stdin/stdout as one framed stream.
 *
 * @example
 * ```ts
 * const rpc = stdio(ndjson());
 * for await (const request of rpc) await rpc.send(answer(request));
 * ```
 */
export function stdio<T>(framing: Framing<T>, options: StdioOptions = {}): FramedStream<T> {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  return new Connection({ transport: nodeStreamTransport(input, output, options), framing, role: "server", options });
}

/**
 * A child process's stdout (in) and stdin (out) as one framed stream. Spawn it with `stdio: "pipe"`.
 *
 * @example
 * ```ts
 * const child = spawn("node", ["server.js"]);
 * const rpc = childProcess(child, ndjson());
 * ```
 */
export function childProcess<T>(
  child: ChildProcess,
  framing: Framing<T>,
  options: StreamOptions = {},
): FramedStream<T> {
  if (!child.stdout || !child.stdin)
    throw new TypeError("childProcess needs a child spawned with piped stdin and stdout");
  return new Connection({
    transport: nodeStreamTransport(child.stdout, child.stdin, options),
    framing,
    role: "client",
    options,
  });
}
