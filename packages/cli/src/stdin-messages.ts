/**
 * stdin cut into messages: LF-terminated lines (CRLF tolerated) or length-prefixed records, read with the
 * framings themselves so a line or a record means the same on stdin as on the wire. The transport pauses
 * stdin while the connection is slow (backpressure from the peer back to the pipe).
 */
import { Writable } from "node:stream";
import { stdio } from "@framed/core/node";
import { type Message, READ_AHEAD_MESSAGES } from "./open.ts";
import type { FramingFlags } from "./options.ts";

/**
 * stdin's messages.
 *
 * @example
 * ```ts
 * for await (const line of await stdinMessages(process.stdin, "lines", flags)) await stream.send(line);
 * ```
 */
export async function stdinMessages(
  input: NodeJS.ReadableStream,
  mode: "lines" | "length-prefix",
  flags: FramingFlags,
): Promise<AsyncIterable<Message>> {
  // Nothing is ever sent on this stream: its output side only has to exist.
  const output = new Writable({ write: (_chunk, _encoding, done) => done() });
  // stdin is a peer too: at most READ_AHEAD_MESSAGES lines wait for a slow connection before it is paused.
  const options = {
    input: input as import("node:stream").Readable,
    output,
    readableHighWaterMark: READ_AHEAD_MESSAGES,
  };
  if (mode === "length-prefix") {
    const { lengthPrefix } = await import("@framed/length-prefix");
    const framing = lengthPrefix({
      header: flags.lengthHeader,
      lengthFieldOffset: flags.lengthFieldOffset,
      lengthAdjustment: flags.lengthAdjustment,
      lengthIncludesHeader: flags.lengthIncludesHeader || undefined,
      initialBytesToStrip: flags.initialBytesToStrip,
      maxMessageSize: flags.maxMessageSize,
    });
    return stdio(framing, options);
  }
  const { newline } = await import("@framed/newline");
  return stdio(newline({ maxMessageSize: flags.maxMessageSize }), options);
}
