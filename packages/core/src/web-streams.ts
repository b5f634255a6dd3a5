/**
 * The WHATWG views every MessageStream offers (`readable`, `writable`), built from its own methods, so each
 * implementation makes them the same way and only when asked for.
 */
import type { MessageStream } from "./message-stream.ts";

/**
 * A ReadableStream that pulls one message per read from `read` (no read-ahead) and closes the stream when
 * cancelled.
 */
export function readableFrom<T>(
  read: () => Promise<IteratorResult<T>>,
  stream: Pick<MessageStream<T>, "close">,
): ReadableStream<T> {
  return new ReadableStream<T>(
    {
      pull: async (controller) => {
        const result = await read();
        if (result.done) controller.close();
        else controller.enqueue(result.value);
      },
      cancel: () => {
        stream.close();
      },
    },
    { highWaterMark: 0 },
  );
}

/** A WritableStream whose writes are `send`s (waiting under backpressure); closing it closes the stream. */
export function writableTo<T>(stream: Pick<MessageStream<T>, "send" | "close" | "abort">): WritableStream<T> {
  return new WritableStream<T>({
    write: (message) => stream.send(message),
    close: async () => {
      await stream.close();
    },
    abort: (reason) => stream.abort(reason),
  });
}
