/**
 * Views of a MessageStream with another message type: text over a bytes framing, JSON over any.
 */
import { FramedError } from "./errors.ts";
import type { CloseInfo, CloseOptions, MessageStream } from "./message-stream.ts";
import { writableTo } from "./web-streams.ts";

/** How to turn one message type into another and back. */
export interface MessageCodec<A, B> {
  /** Received message → what the user sees. Throw a FramedError for input that cannot be decoded. */
  decode(message: A): B;
  /** What the user sends → the underlying stream's message. */
  encode(message: B): A;
}

class MappedStream<A, B> implements MessageStream<B> {
  private readableView: ReadableStream<B> | undefined;
  private writableView: WritableStream<B> | undefined;

  constructor(
    private readonly inner: MessageStream<A>,
    private readonly codec: MessageCodec<A, B>,
  ) {}

  get framing(): string {
    return this.inner.framing;
  }

  get closed(): Promise<CloseInfo> {
    return this.inner.closed;
  }

  send(message: B): Promise<void> {
    let encoded: A;
    try {
      encoded = this.codec.encode(message);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.inner.send(encoded);
  }

  close(options?: CloseOptions): Promise<CloseInfo> {
    return this.inner.close(options);
  }

  abort(reason?: unknown): void {
    this.inner.abort(reason);
  }

  onWarning(listener: (error: FramedError) => void): () => void {
    return this.inner.onWarning(listener);
  }

  consume(handler: (message: B) => unknown): Promise<void> {
    // A decode error is the handler's error: the stream closes and consume rejects with it.
    return this.inner.consume((message) => handler(this.codec.decode(message)));
  }

  async *[Symbol.asyncIterator](): AsyncIterator<B> {
    for await (const message of this.inner) yield this.codec.decode(message);
  }

  get readable(): ReadableStream<B> {
    const decode = (m: A) => this.codec.decode(m);
    this.readableView ??= this.inner.readable.pipeThrough(
      new TransformStream<A, B>({ transform: (m, controller) => controller.enqueue(decode(m)) }),
    );
    return this.readableView;
  }

  get writable(): WritableStream<B> {
    this.writableView ??= writableTo(this);
    return this.writableView;
  }
}

/**
 * A view of `stream` whose messages pass through `codec` both ways. A decode error ends iteration
 * with that error (throw a FramedError so it carries a code).
 *
 * @example
 * ```ts
 * const numbers = mapMessages(stream, { decode: (s: string) => Number(s), encode: (n: number) => String(n) });
 * ```
 */
export function mapMessages<A, B>(stream: MessageStream<A>, codec: MessageCodec<A, B>): MessageStream<B> {
  return new MappedStream(stream, codec);
}

const utf8Decoder = new TextDecoder("utf-8", { fatal: true });

function decodeText(message: string | Uint8Array): string {
  if (typeof message === "string") return message;
  try {
    return utf8Decoder.decode(message);
  } catch (error) {
    throw new FramedError("INVALID_UTF8", `message of ${message.length} bytes is not valid UTF-8`, { cause: error });
  }
}

/**
 * Text messages over any framing: received bytes are decoded as strict UTF-8; strings are sent as they
 * are (every framing accepts strings: WebSocket sends a text frame, length-prefix and newline UTF-8-encode).
 *
 * @example
 * ```ts
 * const chat = asText(await connect({ port }, { header: "varint" })); // @framed/length-prefix/node
 * await chat.send("hello");
 * ```
 */
export function asText(
  stream: MessageStream<string> | MessageStream<Uint8Array> | MessageStream<string | Uint8Array>,
): MessageStream<string> {
  return mapMessages<string | Uint8Array, string>(stream as MessageStream<string | Uint8Array>, {
    decode: decodeText,
    encode: (text) => text,
  });
}

/**
 * JSON values over any framing (one value per message).
 *
 * @example
 * ```ts
 * const rpc = asJson<Request>(stream);
 * for await (const request of rpc) await rpc.send(answer(request));
 * ```
 */
export function asJson<V = unknown>(
  stream: MessageStream<string> | MessageStream<Uint8Array> | MessageStream<string | Uint8Array>,
): MessageStream<V> {
  const text = asText(stream);
  let count = 0;
  return mapMessages<string, V>(text, {
    decode: (line) => {
      count++;
      try {
        return JSON.parse(line) as V;
      } catch (error) {
        throw new FramedError("INVALID_JSON", `message ${count} is not JSON: ${(error as Error).message}`, {
          messageNumber: count,
          cause: error,
        });
      }
    },
    encode: (value) => JSON.stringify(value),
  });
}
