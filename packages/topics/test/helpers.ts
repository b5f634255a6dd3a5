// Test helpers: connected stream pairs of each framing, and reading what a client received.
import type { Framing, MessageStream } from "@framed/core";
import { type StreamPair, streamPair } from "@framed/core/testing";
import { lengthPrefix } from "@framed/length-prefix";
import { newline } from "@framed/newline";
import { websocketFraming } from "@framed/websocket";

export type Message = string | Uint8Array;

/** A server-side stream (what a topic holds) and the client that reads what it was sent. */
export function pairOf(
  kind: "websocket" | "length-prefix" | "newline",
  options: Parameters<typeof streamPair>[1] = {},
) {
  const framing: Framing<Message> =
    kind === "websocket"
      ? websocketFraming()
      : kind === "length-prefix"
        ? (lengthPrefix() as Framing<Message>)
        : (newline() as Framing<Message>);
  return streamPair(framing, options) as StreamPair<Message>;
}

/** Read `count` messages from `stream`, as text. */
export async function readTexts(stream: MessageStream<Message>, count: number): Promise<string[]> {
  const out: string[] = [];
  if (count === 0) return out;
  for await (const message of stream) {
    out.push(typeof message === "string" ? message : new TextDecoder().decode(message));
    if (out.length === count) break;
  }
  return out;
}

/** Everything `stream` receives until it ends, as text. */
export async function readAll(stream: MessageStream<Message>): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const message of stream)
      out.push(typeof message === "string" ? message : new TextDecoder().decode(message));
  } catch {
    // The end of a closed connection is what these tests wait for.
  }
  return out;
}

/** A reader that takes messages a few at a time without closing the stream between takes. */
export function reader(stream: MessageStream<Message>): (count: number) => Promise<string[]> {
  const iterator = stream[Symbol.asyncIterator]();
  return async (count) => {
    const out: string[] = [];
    while (out.length < count) {
      const next = await iterator.next();
      if (next.done) break;
      out.push(typeof next.value === "string" ? next.value : new TextDecoder().decode(next.value));
    }
    return out;
  };
}
