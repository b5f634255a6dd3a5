/**
 * What the echo server does with each connection, on every runtime and framing: send every message back
 * (re-encoded by the framing, text as text and bytes as bytes) and log why the connection ended.
 */
import type { FramedError, MessageStream } from "@framed/core";

export async function echoEachMessage<T>(stream: MessageStream<T>, log: (line: string) => void): Promise<void> {
  try {
    for await (const message of stream) await stream.send(message);
  } catch (error) {
    const failure = error as FramedError;
    log(`connection closed on bad input: ${failure.code ?? "ERROR"}: ${failure.message}`);
    return;
  }
  const { initiator, code } = await stream.closed;
  if (initiator === "error") log(`connection failed: ${(await stream.closed).error?.message}`);
  else if (code !== undefined) log(`connection closed by ${initiator} with code ${code}`);
}
