/**
 * `framed listen`: accept connections, print each message tagged with its connection (`#1 hello`), send
 * each stdin message to every open connection, or with `--echo` send each message back to its sender.
 */
import type { CloseInfo } from "@framed/core";
import { parseListenEndpoint } from "./endpoint.ts";
import { EXIT, type ExitCode } from "./exit-codes.ts";
import { closeFailure, describeFailure } from "./failure.ts";
import { type CliIo, whenAborted } from "./io.ts";
import { openListener, type Peer, type PeerListener } from "./open.ts";
import type { ListenCommand } from "./options.ts";
import { Output } from "./output.ts";
import { stdinMessages } from "./stdin-messages.ts";

function closeEvent(connection: number, info: CloseInfo) {
  return {
    event: "close" as const,
    connection,
    initiator: info.initiator,
    ...(info.code !== undefined ? { code: info.code } : {}),
    ...(info.reason ? { reason: info.reason } : {}),
    ...(info.error ? { error: info.error.code, message: info.error.message } : {}),
  };
}

/**
 * Run `framed listen` until stopped (or, with `--once`, until the first connection closes).
 *
 * @example
 * ```ts
 * const exitCode = await runListen(parseCommand("listen", ["8080", "--echo"]) as ListenCommand, processIo());
 * ```
 */
export async function runListen(command: ListenCommand, io: CliIo): Promise<ExitCode> {
  const output = new Output(io.stdout, command);
  const endpoint = parseListenEndpoint(command.address, { framing: command.framing });
  const note = (line: string) => {
    if (!command.quiet && !command.json) io.error(`framed: ${line}`);
  };
  const open = new Map<number, Peer>();
  let count = 0;
  let finishOnce: ((code: ExitCode) => void) | undefined;
  const once = new Promise<ExitCode>((resolve) => {
    finishOnce = resolve;
  });

  const serve = async (peer: Peer) => {
    const id = ++count;
    open.set(id, peer);
    output.event({ event: "open", connection: id, remote: peer.label });
    note(`#${id} connected from ${peer.label}`);
    try {
      for await (const message of peer.stream) {
        const full = output.message(message, id);
        if (full) await full;
        if (command.echo) await peer.stream.send(message);
      }
    } catch {
      // The close info below says why.
    }
    const info = await peer.stream.closed;
    open.delete(id);
    output.event(closeEvent(id, info));
    const failure = closeFailure(info, endpoint.framing);
    if (failure) io.error(`framed: #${id} ${failure.reason}`);
    else
      note(
        `#${id} closed by ${info.initiator === "local" ? "us" : "the peer"}${info.code ? ` with code ${info.code}` : ""}`,
      );
    if (command.once) finishOnce?.(failure?.exitCode ?? EXIT.OK);
  };

  let listener: PeerListener;
  try {
    listener = await openListener(endpoint, command, (peer) => void serve(peer));
  } catch (error) {
    const failure = describeFailure(error, endpoint.framing);
    output.event({ event: "error", exit: failure.exitCode, message: failure.reason });
    io.error(`framed: ${failure.reason}`);
    if (command.verbose && error instanceof Error && error.stack) io.error(error.stack);
    await output.flush();
    return failure.exitCode;
  }
  output.event({ event: "listening", address: listener.label, port: listener.port });
  await output.flush();
  note(`listening on ${listener.label}`);

  if (!command.echo) {
    void (async () => {
      try {
        for await (const message of await stdinMessages(io.stdin, "lines", command)) {
          await Promise.allSettled([...open.values()].map((peer) => peer.stream.send(message)));
        }
      } catch (error) {
        io.error(`framed: stdin: ${describeFailure(error).reason}`);
      }
    })();
  }

  const code = await Promise.race([once, whenAborted(io.stop).then(() => EXIT.OK)]);
  await listener.close();
  await output.flush();
  return code;
}
