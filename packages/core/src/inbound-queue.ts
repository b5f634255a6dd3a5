/**
 * Where a connection's decoded messages wait for the reader (`for await`, `readable`) or the consumer
 * (`consume`). The queue is bounded in bytes: reading is paused while it holds `readableHighWaterMark` bytes
 * or more and resumed once it has drained to half of that. The end, or the error that ended reading, reaches
 * the reader once, after every message before it.
 */
import * as key from "./connection-keys.ts";
import type { FramedError } from "./errors.ts";
import type { HandlerWatcher } from "./listener.ts";
import { MessageConsumer, NOTHING } from "./message-consumer.ts";
import { DONE } from "./stream-iterator.ts";

/** One waiting promise: a `read()`, or a `send` waiting for the transport to drain. */
export interface Waiter<V> {
  resolve(value: V): void;
  reject(error: unknown): void;
}

/** What the queue asks of its connection. */
export interface QueueOwner {
  readonly framing: string;
  /** The queue is full: stop reading from the peer. */
  [key.pauseReading](): void;
  /** The queue has room again. */
  [key.resumeReading](): void;
  /** The reader has seen the end of the messages: the write side may close now. */
  [key.readEndObserved](): void;
  close(): Promise<unknown>;
}

export class InboundQueue<T> {
  readonly owner: QueueOwner;
  readonly #highWaterMark: number;
  // Every open connection holds a queue, so what most never use is made when first needed.
  #messages: T[] | undefined;
  /** Each queued message's size in bytes, beside it: a size the framing reported cannot be recomputed. */
  #sizes: number[] | undefined;
  #head = 0;
  /** Bytes held by the queued messages: what the high-water mark bounds. */
  #bytes = 0;
  /**
   * Readers waiting for a message, oldest first. `for await` keeps at most one waiting, so the first one's
   * resolve and reject have their own fields and the array exists only for callers that ask for several.
   */
  #readerResolve: ((result: IteratorResult<T>) => void) | undefined;
  #readerReject: ((error: unknown) => void) | undefined;
  #moreReaders: Waiter<IteratorResult<T>>[] | undefined;
  #ended = false;
  #error: FramedError | undefined;
  #consumer: MessageConsumer<T> | undefined;
  /**
   * The session calls `push` from the runtime's per-message callback (`FramingSession.deliversOneByOne`):
   * an idle consumer is then called at once, with nothing queued before it.
   */
  direct = false;
  /** Reading began: by iteration, `readable`, or `consume`. */
  started = false;
  /** Reading from the peer is paused because the queue reached the high-water mark. */
  paused = false;

  constructor(owner: QueueOwner, highWaterMark: number) {
    this.owner = owner;
    this.#highWaterMark = highWaterMark;
  }

  /** Bytes held by messages waiting for the reader. */
  get bytes(): number {
    return this.#bytes;
  }

  /** No more messages will come, and the consumer or reader may be told once the queue is empty. */
  get readingOver(): boolean {
    return this.#ended;
  }

  /** A message arrived; `size` is its size in bytes when the framing knows it better than {@link messageBytes}. */
  push(message: T, size?: number): void {
    const resolve = this.#readerResolve;
    if (resolve) {
      const next = this.#moreReaders?.shift();
      this.#readerResolve = next?.resolve;
      this.#readerReject = next?.reject;
      resolve({ done: false, value: message });
      return;
    }
    const consumer = this.#consumer;
    if (this.direct && consumer !== undefined && this.#empty && consumer.deliverNow(message)) return;
    const messages = (this.#messages ??= []);
    const bytes = size ?? messageBytes(message);
    messages.push(message);
    (this.#sizes ??= []).push(bytes);
    this.#bytes += bytes;
    // At or over the mark after adding: one message larger than the mark is still admitted, then we pause.
    if (!this.paused && this.#bytes >= this.#highWaterMark) {
      this.paused = true;
      this.owner[key.pauseReading]();
    }
    consumer?.schedule();
  }

  get #empty(): boolean {
    return this.#messages === undefined || this.#head === this.#messages.length;
  }

  /** The oldest queued message (resuming reading once the queue is down to half the mark), or NOTHING. */
  take(): T | typeof NOTHING {
    const messages = this.#messages;
    if (messages === undefined || this.#head === messages.length) return NOTHING;
    const sizes = this.#sizes as number[];
    const value = messages[this.#head];
    // Cleared so a taken message is not kept alive by the queue until it empties.
    messages[this.#head] = undefined as T;
    this.#bytes -= sizes[this.#head++];
    if (this.#head === messages.length) {
      // Length 0 also lets V8 drop the backing store a burst grew.
      messages.length = 0;
      sizes.length = 0;
      this.#head = 0;
      this.#bytes = 0;
    }
    if (this.paused && this.#bytes <= this.#highWaterMark / 2) {
      this.paused = false;
      this.owner[key.resumeReading]();
    }
    return value;
  }

  /** The next message, or the end: what the iterator and `readable` pull. */
  read(): Promise<IteratorResult<T>> {
    if (this.#consumer) {
      return Promise.reject(new TypeError(`a ${this.owner.framing} stream being consumed cannot also be iterated`));
    }
    this.started = true;
    const value = this.take();
    if (value !== NOTHING) return Promise.resolve({ done: false, value });
    if (this.#ended) {
      const error = this.finishReading();
      return error ? Promise.reject(error) : Promise.resolve(DONE);
    }
    return new Promise((resolve, reject) => {
      if (this.#readerResolve === undefined) {
        this.#readerResolve = resolve;
        this.#readerReject = reject;
      } else {
        (this.#moreReaders ??= []).push({ resolve, reject });
      }
    });
  }

  /** Leaving a `for await` loop early closes the stream. */
  close(): Promise<unknown> {
    return this.owner.close();
  }

  /** See `MessageStream.consume`. */
  consume(handler: (message: T) => unknown): Promise<void> {
    if (this.started) {
      return Promise.reject(new TypeError(`cannot consume a ${this.owner.framing} stream that is already being read`));
    }
    this.started = true;
    let consumer!: MessageConsumer<T>;
    const promise = new Promise<void>((resolve) => {
      consumer = new MessageConsumer(this, handler, resolve);
    });
    consumer.settles(promise);
    this.#consumer = consumer;
    consumer.schedule();
    return promise;
  }

  /** See `watchConsumed`: a registry's handler returned this stream's `consume` promise. */
  watchConsumed(result: PromiseLike<unknown>, watcher: HandlerWatcher): boolean {
    return this.#consumer?.watchFailure(result, watcher) === true;
  }

  /** The reader saw the end: the error to report, if any (once); the write side may now close. */
  finishReading(): FramedError | undefined {
    const error = this.#error;
    this.#error = undefined;
    this.owner[key.readEndObserved]();
    return error;
  }

  /** No more messages will arrive: waiting readers get the end (or `error`, once); queued ones still go out. */
  end(error?: FramedError): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    const readers: Waiter<IteratorResult<T>>[] = [];
    if (this.#readerResolve && this.#readerReject)
      readers.push({ resolve: this.#readerResolve, reject: this.#readerReject });
    if (this.#moreReaders) readers.push(...this.#moreReaders);
    this.#readerResolve = undefined;
    this.#readerReject = undefined;
    this.#moreReaders = undefined;
    for (const reader of readers) {
      const failure = this.#error;
      if (failure) {
        this.#error = undefined;
        reader.reject(failure);
      } else {
        reader.resolve(DONE);
      }
    }
    if (readers.length > 0) this.owner[key.readEndObserved]();
    this.#consumer?.schedule();
    if (this.paused) {
      // Keep reading so the peer's close or EOF can arrive; input is discarded by the ended session.
      this.paused = false;
      this.owner[key.resumeReading]();
    }
  }
}

/** What a message whose framing reports no size counts for when it is neither bytes nor a string. */
export const UNSIZED_MESSAGE_BYTES = 256;

/**
 * The bytes a decoded message holds, for the inbound high-water mark: a byte array's length, a string's
 * length in UTF-16 code units (V8 and JavaScriptCore store a Latin-1 string in one byte per unit, others in
 * two, so a non-Latin-1 text message can hold up to twice this), anything else {@link UNSIZED_MESSAGE_BYTES}.
 */
export function messageBytes(message: unknown): number {
  if (typeof message === "string") return message.length;
  if (ArrayBuffer.isView(message)) return message.byteLength;
  if (message instanceof ArrayBuffer) return message.byteLength;
  return UNSIZED_MESSAGE_BYTES;
}
