/**
 * `framed connect`: one connection; stdin's messages go out, received messages are printed. When stdin
 * ends the sending is done, and the command keeps printing until the peer closes or `--linger` passes
 * without a message, then closes cleanly.
 */
import { setTimeout as delay } from "node:timers/promises";
import type { CloseInfo, MessageStream } from "@framed/core";
import { describeEndpoint, parseEndpoint } from "./endpoint.ts";
import { EXIT, type ExitCode } from "./exit-codes.ts";
import { closeFailure, describeFailure, type Failure } from "./failure.ts";
import { type CliIo, whenAborted } from "./io.ts";
import { openConnection, type Peer } from "./open.ts";
import type { ConnectCommand } from "./options.ts";
import { Output } from "./output.ts";
import { stdinMessages } from "./stdin-messages.ts";

/**
 * Milliseconds a graceful close may wait for the peer (its WebSocket close reply, or the end of a TCP
 * stream) before the connection is dropped. A line server that never hangs up is normal, not an error.
 */
const CLOSE_GRACE = 2000;

async function closeWithin(stream: MessageStream<unknown>, ms: number): Promise<CloseInfo> {
  const closing = stream.close();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  const info = await Promise.race([closing, late]);
  clearTimeout(timer);
  if (info !== undefined) return info;
  stream.abort("the peer did not finish closing");
  return { initiator: "local" };
}

function report(io: CliIo, output: Output, failure: Failure, verbose: boolean, error?: unknown): ExitCode {
  output.event({ event: "error", exit: failure.exitCode, message: failure.reason });
  io.error(`framed: ${failure.reason}`);
  if (verbose && error instanceof Error && error.stack) io.error(error.stack);
  return failure.exitCode;
}

/**
 * Run `framed connect`.
 *
 * @example
 * ```ts
 * const exitCode = await runConnect(parseCommand("connect", ["ws://127.0.0.1:8080"]) as ConnectCommand, processIo());
 * ```
 */
export async function runConnect(command: ConnectCommand, io: CliIo): Promise<ExitCode> {
  const output = new Output(io.stdout, command);
  const endpoint = parseEndpoint(command.target, { framing: command.framing });
  let peer: Peer;
  let early: Array<["ping" | "pong", Uint8Array]> | undefined = [];
  try {
    // Pings and pongs are --json events. A ping may come in the same packet as the handshake's 101, before
    // "open" is printed: those wait (copied, since the payload is a view of the session's chunk).
    const onControlFrame = command.json
      ? (kind: "ping" | "pong", payload: Uint8Array) => {
          if (early) early.push([kind, payload.slice()]);
          else output.control(kind, payload);
        }
      : undefined;
    peer = await openConnection(endpoint, command, command.timeout, onControlFrame);
  } catch (error) {
    return report(io, output, describeFailure(error, endpoint.framing), command.verbose, error);
  }
  const { stream } = peer;
  // What a WebSocket handshake agreed (mapMessages keeps the inner stream's fields out of sight: read them here).
  const { protocol, extensions } = peer.agreed;
  output.event({
    event: "open",
    address: describeEndpoint(endpoint),
    ...(protocol ? { protocol } : {}),
    ...(extensions ? { extensions } : {}),
  });
  for (const [kind, payload] of early ?? []) output.control(kind, payload);
  early = undefined;
  if (!command.quiet && !command.json) io.error(`framed: connected to ${describeEndpoint(endpoint)}`);

  // The linger clock restarts with each received message once stdin has ended.
  let lastMessageAt = Date.now();
  let readError: unknown;
  const reading = (async () => {
    try {
      for await (const message of stream) {
        lastMessageAt = Date.now();
        const full = output.message(message);
        if (full) await full;
      }
    } catch (error) {
      readError = error;
    }
  })();

  let stdinFailure: { failure: Failure; error: unknown } | undefined;
  const sending = (async () => {
    if (!command.readStdin) return;
    try {
      const messages = await stdinMessages(io.stdin, command.stdinFraming, command);
      for await (const message of messages) await stream.send(message);
    } catch (error) {
      // A send that fails because the peer already closed is not stdin's fault: the close says why.
      if ((error as { code?: string }).code === "CLOSED") return;
      stdinFailure = { failure: describeFailure(error, endpoint.framing), error };
      if ((error as { code?: string }).code !== undefined) {
        stdinFailure.failure = {
          exitCode: EXIT.BAD_INPUT,
          reason: `bad input on stdin: ${stdinFailure.failure.reason}`,
        };
      }
    }
  })();

  const peerDone = reading.then(() => "peer" as const);
  const stopped = whenAborted(io.stop).then(() => "stop" as const);
  const lingered = sending.then(async () => {
    if (!command.readStdin) return new Promise<never>(() => {});
    if (stdinFailure) return "stdin-failed" as const;
    lastMessageAt = Date.now();
    // Ends early once the race below is decided, so no timer outlives the command.
    while (!decided) {
      const left = lastMessageAt + command.linger - Date.now();
      if (left <= 0) break;
      await delay(left);
    }
    return "linger" as const;
  });
  let decided = false;
  const why = await Promise.race([peerDone, stopped, lingered]);
  decided = true;
  let info: CloseInfo;
  if (why === "peer") {
    info = await stream.closed;
  } else if (why === "stdin-failed") {
    stream.abort("bad input on stdin");
    info = await stream.closed;
  } else {
    info = await closeWithin(stream, CLOSE_GRACE);
    await reading;
  }
  await output.flush();
  if (stdinFailure) return report(io, output, stdinFailure.failure, command.verbose, stdinFailure.error);
  output.event({
    event: "close",
    initiator: info.initiator,
    ...(info.code !== undefined ? { code: info.code } : {}),
    ...(info.reason ? { reason: info.reason } : {}),
  });
  const failure =
    closeFailure(info, endpoint.framing) ?? (readError ? describeFailure(readError, endpoint.framing) : undefined);
  if (failure) {
    const code = report(io, output, failure, command.verbose, info.error ?? readError);
    await output.flush();
    return code;
  }
  if (!command.quiet && !command.json) {
    const code = info.code !== undefined ? ` with code ${info.code}${info.reason ? ` (${info.reason})` : ""}` : "";
    io.error(`framed: closed by ${info.initiator === "local" ? "us" : "the peer"}${code}`);
  }
  await output.flush();
  return EXIT.OK;
}
