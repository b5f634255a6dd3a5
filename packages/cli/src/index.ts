/**
 * `@framed/cli`: the `framed` command (connect, listen, bridge any framing from a terminal) and the same
 * as a function, for running it inside another program or a test.
 *
 * @example
 * ```ts
 * import { EXIT, run } from "@framed/cli";
 * const code = await run(["connect", "ws://127.0.0.1:8080/", "--json", "--no-stdin"]);
 * if (code === EXIT.CONNECT_FAILED) console.error("nothing listening");
 * ```
 */
export { CliError, EXIT, type ExitCode } from "./exit-codes.ts";
export type { CliIo } from "./io.ts";
export type { Sink } from "./output.ts";
export { run } from "./run.ts";
