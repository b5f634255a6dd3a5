/**
 * `framed`'s entry: help and version without loading anything else, then the command, imported only when
 * it runs (startup time is mostly module loading). Every failure becomes one line and an exit code.
 */
import pkg from "../package.json" with { type: "json" };
import { CliError, EXIT, type ExitCode } from "./exit-codes.ts";
import type { CliIo } from "./io.ts";
import { parseCommand } from "./options.ts";
import { BRIDGE_USAGE, CONNECT_USAGE, LISTEN_USAGE, MAIN_USAGE } from "./usage.ts";

const COMMAND_USAGE: Record<string, string> = { connect: CONNECT_USAGE, listen: LISTEN_USAGE, bridge: BRIDGE_USAGE };

/** stdout for help text: the one place run writes before a command has an Output. */
interface Writes {
  out(text: string): void;
  err(text: string): void;
}

function consoleWrites(io?: CliIo): Writes {
  return {
    out: (text) => (io ? io.stdout.write(`${text}\n`) : process.stdout.write(`${text}\n`)),
    err: (text) => (io ? io.error(text) : process.stderr.write(`${text}\n`)),
  };
}

/**
 * Run the command line `argv` (without `node` and the script) and resolve with the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await run(["connect", "ws://127.0.0.1:8080", "--json"]);
 * ```
 */
export async function run(argv: readonly string[], io?: CliIo): Promise<ExitCode> {
  const writes = consoleWrites(io);
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    const topic = name === "help" ? rest[0] : undefined;
    writes.out(topic !== undefined && COMMAND_USAGE[topic] ? COMMAND_USAGE[topic] : MAIN_USAGE);
    return name === undefined ? EXIT.USAGE : EXIT.OK;
  }
  if (name === "--version" || name === "-V") {
    writes.out(pkg.version);
    return EXIT.OK;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    const usage = COMMAND_USAGE[name];
    if (usage !== undefined) {
      writes.out(usage);
      return EXIT.OK;
    }
  }
  const verbose = rest.includes("--verbose") || rest.includes("-v");
  try {
    const command = parseCommand(name, rest);
    const processIo = io ?? (await import("./io.ts")).processIo();
    if (command.command === "connect") return await (await import("./connect.ts")).runConnect(command, processIo);
    if (command.command === "listen") return await (await import("./listen.ts")).runListen(command, processIo);
    return await (await import("./bridge.ts")).runBridge(command, processIo);
  } catch (error) {
    if (error instanceof CliError) {
      writes.err(`framed: ${error.message}`);
      if (error.exitCode === EXIT.USAGE)
        writes.err(`run \`framed ${COMMAND_USAGE[name] ? `${name} ` : ""}--help\` for usage`);
      if (verbose && error.stack) writes.err(error.stack);
      return error.exitCode;
    }
    writes.err(`framed: internal error: ${error instanceof Error ? error.message : String(error)}`);
    if (verbose && error instanceof Error && error.stack) writes.err(error.stack);
    return EXIT.FAILED;
  }
}
