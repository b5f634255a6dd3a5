/**
 * `framed bridge <from> <to>`: listen on one framing, and for each connection open one with another framing
 * and carry messages both ways. One message in is one message out (boundaries kept); each direction sends
 * only when the previous message was accepted, so a slow side pauses the other's socket (backpressure).
 */
import type { CloseInfo, CloseOptions } from "@framed/core";
import { describeEndpoint, type Endpoint, parseEndpoint, parseListenEndpoint } from "./endpoint.ts";
import { EXIT, type ExitCode } from "./exit-codes.ts";
import { closeFailure, describeFailure } from "./failure.ts";
import { type CliIo, whenAborted } from "./io.ts";
import { openConnection, openListener, type Peer, type PeerListener } from "./open.ts";
import type { BridgeCommand } from "./options.ts";
import { Output } from "./output.ts";

/** Close codes one WebSocket may pass on to another (1005, 1006 and 1015 are never sent on the wire). */
function forwardable(code: number | undefined): boolean {
  if (code === undefined) return false;
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

/** How the far side should close when `info` ended the near one. */
function closeLike(info: CloseInfo, to: Endpoint): CloseOptions {
  if (to.framing !== "websocket") return {};
  if (info.initiator === "error") return { code: 1011, reason: "the bridged connection failed" };
  return forwardable(info.code) ? { code: info.code, reason: info.reason } : {};
}

/** Carry `from`'s messages to `to` until `from` ends; then close `to` the way `from` closed. */
async function pump(from: Peer, to: Peer, toEndpoint: Endpoint): Promise<void> {
  try {
    for await (const message of from.stream) await to.stream.send(message);
  } catch {
    // Either side's close info says why.
  }
  const info = await from.stream.closed;
  await to.stream.close(closeLike(info, toEndpoint));
}

/**
 * Run `framed bridge` until stopped (or, with `--once`, until the first bridged connection closes).
 *
 * @example
 * ```ts
 * await runBridge(parseCommand("bridge", ["ws://127.0.0.1:8080", "newline://127.0.0.1:9000"]) as BridgeCommand, processIo());
 * ```
 */
export async function runBridge(command: BridgeCommand, io: CliIo): Promise<ExitCode> {
  const output = new Output(io.stdout, command);
  const from = parseListenEndpoint(command.from);
  const to = parseEndpoint(command.to);
  const note = (line: string) => {
    if (!command.quiet && !command.json) io.error(`framed: ${line}`);
  };
  let count = 0;
  let finishOnce: ((code: ExitCode) => void) | undefined;
  const once = new Promise<ExitCode>((resolve) => {
    finishOnce = resolve;
  });

  const bridge = async (client: Peer) => {
    const id = ++count;
    let upstream: Peer;
    try {
      upstream = await openConnection(to, command, 10_000);
    } catch (error) {
      const failure = describeFailure(error, to.framing);
      io.error(`framed: #${id} cannot reach ${describeEndpoint(to)}: ${failure.reason}`);
      output.event({ event: "error", connection: id, exit: failure.exitCode, message: failure.reason });
      await client.stream.close(from.framing === "websocket" ? { code: 1011, reason: "upstream unavailable" } : {});
      if (command.once) finishOnce?.(failure.exitCode);
      return;
    }
    output.event({ event: "open", connection: id, remote: client.label, upstream: upstream.label });
    note(`#${id} ${client.label} <-> ${describeEndpoint(to)}`);
    await Promise.all([pump(client, upstream, to), pump(upstream, client, from)]);
    const [clientInfo, upstreamInfo] = await Promise.all([client.stream.closed, upstream.stream.closed]);
    const failure = closeFailure(clientInfo, from.framing) ?? closeFailure(upstreamInfo, to.framing);
    output.event({
      event: "close",
      connection: id,
      ...(failure ? { exit: failure.exitCode, message: failure.reason } : {}),
    });
    if (failure) io.error(`framed: #${id} ${failure.reason}`);
    else note(`#${id} closed`);
    if (command.once) finishOnce?.(failure?.exitCode ?? EXIT.OK);
  };

  let listener: PeerListener;
  try {
    listener = await openListener(from, command, (client) => void bridge(client));
  } catch (error) {
    const failure = describeFailure(error, from.framing);
    output.event({ event: "error", exit: failure.exitCode, message: failure.reason });
    io.error(`framed: ${failure.reason}`);
    await output.flush();
    return failure.exitCode;
  }
  output.event({ event: "listening", address: listener.label, port: listener.port });
  await output.flush();
  note(`bridging ${listener.label} -> ${describeEndpoint(to)}`);
  const code = await Promise.race([once, whenAborted(io.stop).then(() => EXIT.OK)]);
  await listener.close();
  await output.flush();
  return code;
}
