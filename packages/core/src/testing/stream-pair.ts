/**
 * A client and server MessageStream joined by a memory pipe: the quickest way to test a framing end to end.
 */
import { Connection } from "../connection.ts";
import type { Framing } from "../framing.ts";
import type { FramedStream, StreamOptions } from "../message-stream.ts";
import { type MemoryEnd, memoryPipe } from "./memory-pipe.ts";

/** The two streams and the transports under them. */
export interface StreamPair<T> {
  client: FramedStream<T>;
  server: FramedStream<T>;
  clientEnd: MemoryEnd;
  serverEnd: MemoryEnd;
}

/**
 * @example
 * ```ts
 * const { client, server } = streamPair(newline());
 * await client.send("hi");
 * ```
 */
export function streamPair<T>(
  framing: Framing<T>,
  options: StreamOptions & { highWaterMark?: number } = {},
): StreamPair<T> {
  const [clientEnd, serverEnd] = memoryPipe(options);
  return {
    client: new Connection({ transport: clientEnd, framing, role: "client", options }),
    server: new Connection({ transport: serverEnd, framing, role: "server", options }),
    clientEnd,
    serverEnd,
  };
}
