/**
 * The receiving half of a {@link TransportStream}: messages on their way up from the transport wait in a
 * queue for a reader (`for await`, `readable`) or a consumer (`consume`); the transport is paused while the
 * queue holds `readableHighWaterMark` bytes or more, and resumed once it has drained to half of that; the end, or the error that ended reading, reaches the
 * reader once. A base class rather than an object the stream holds: every open connection has a stream,
 * and this way it has no second object for its reading.
 */
import type { FramedError } from "./errors.ts";
import { type HandlerWatcher, watchConsumed } from "./listener.ts";
import { type ConsumedStream, MessageConsumer, NOTHING } from "./message-consumer.ts";
import type { MessageTransport } from "./message-transport.ts";
import type { StreamClock } from "./stream-clock.ts";
import { DONE, StreamIterator } from "./stream-iterator.ts";

export interface Waiter<V> {
  resolve(value: V): void;
  reject(error: unknown): void;
}

export abstract class InboundMessages<T> implements ConsumedStream<T> {
  abstract readonly framing: string;

  /** Only when `idleTimeout` or `messageTimeout` is set (made by the subclass, which owns the timers). */
  protected clock: StreamClock | undefined;

  // Every open connection holds one stream, so what most connections never use is made when first needed.
  private queue: T[] | undefined;
  /** Each queued message's size in bytes, beside it: a size the framing reported cannot be recomputed. */
  private queueSizes: number[] | undefined;
  private queueHead = 0;
  /** Bytes held by the messages in the queue: what the high-water mark bounds. */
  private queuedBytes = 0;
  /**
   * Readers waiting for a message, oldest first. `for await` keeps at most one waiting, so the first one's
   * resolve and reject have their own fields and the array exists only for callers that ask for several
   * messages at once.
   */
  private readerResolve: ((result: IteratorResult<T>) => void) | undefined;
  private readerReject: ((error: unknown) => void) | undefined;
  private moreReaders: Waiter<IteratorResult<T>>[] | undefined;
  private readEnded = false;
  private readError: FramedError | undefined;
  /** Reading began: by iteration, `readable`, or `consume`. */
  protected iterationStarted = false;
  private consumer: MessageConsumer<T> | undefined;
  /** The transport is paused because the queue reached the high-water mark. */
  protected paused = false;

  constructor(
    protected readonly transport: MessageTransport<T>,
    /** Bytes of queued messages at which the transport is paused. */
    private readonly readableHighWaterMark: number,
  ) {}

  /** @internal Bytes held by messages waiting for the reader (see `readableHighWaterMark`). */
  get readableBytes(): number {
    return this.queuedBytes;
  }

  /** The reader has seen the end of the messages (subclass: the write side may close now). */
  protected abstract readEndObserved(): void;

  abstract close(): Promise<unknown>;

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return new StreamIterator(this);
  }

  /** See {@link MessageStream.consume}. */
  consume(handler: (message: T) => unknown): Promise<void> {
    if (this.iterationStarted) {
      return Promise.reject(new TypeError(`cannot consume a ${this.framing} stream that is already being read`));
    }
    this.iterationStarted = true;
    let consumer!: MessageConsumer<T>;
    const promise = new Promise<void>((resolve) => {
      consumer = new MessageConsumer(this, handler, resolve);
    });
    consumer.settles(promise);
    this.consumer = consumer;
    consumer.schedule();
    return promise;
  }

  /** @internal See `watchConsumed`: a registry's handler returned this stream's `consume` promise. */
  [watchConsumed](result: PromiseLike<unknown>, watcher: HandlerWatcher): boolean {
    return this.consumer?.watchFailure(result, watcher) === true;
  }

  /** @internal The next message, or the end: what the iterator and `readable` pull. */
  read(): Promise<IteratorResult<T>> {
    if (this.consumer) {
      return Promise.reject(new TypeError(`a ${this.framing} stream being consumed cannot also be iterated`));
    }
    this.iterationStarted = true;
    const value = this.takeQueued();
    if (value !== NOTHING) return Promise.resolve({ done: false, value });
    if (this.readEnded) {
      const error = this.finishReading();
      return error ? Promise.reject(error) : Promise.resolve(DONE);
    }
    return new Promise((resolve, reject) => {
      if (this.readerResolve === undefined) {
        this.readerResolve = resolve;
        this.readerReject = reject;
      } else {
        (this.moreReaders ??= []).push({ resolve, reject });
      }
    });
  }

  /** @internal */
  takeQueued(): T | typeof NOTHING {
    const queue = this.queue;
    if (queue === undefined || this.queueHead === queue.length) return NOTHING;
    const sizes = this.queueSizes as number[];
    const value = queue[this.queueHead];
    // Cleared so a taken message is not kept alive by the queue until it empties.
    queue[this.queueHead] = undefined as T;
    this.queuedBytes -= sizes[this.queueHead++];
    if (this.queueHead === queue.length) {
      // Length 0 also lets V8 drop the backing store a burst grew.
      queue.length = 0;
      sizes.length = 0;
      this.queueHead = 0;
      this.queuedBytes = 0;
    }
    if (this.paused && this.queuedBytes <= this.readableHighWaterMark / 2) {
      this.paused = false;
      this.clock?.resumed();
      this.transport.resume();
    }
    return value;
  }

  /** @internal */
  get readingOver(): boolean {
    return this.readEnded;
  }

  /** @internal */
  finishReading(): FramedError | undefined {
    const error = this.readError;
    this.readError = undefined;
    this.readEndObserved();
    return error;
  }

  /**
   * @internal A message arrived from the transport; `size` is its size in bytes when the framing knows it
   * better than {@link messageBytes} (NDJSON: the length of its line).
   */
  deliver(message: T, size?: number): void {
    this.clock?.messageDelivered();
    const resolve = this.readerResolve;
    if (resolve) {
      const next = this.moreReaders?.shift();
      this.readerResolve = next?.resolve;
      this.readerReject = next?.reject;
      resolve({ done: false, value: message });
      return;
    }
    const queue = (this.queue ??= []);
    const bytes = size ?? messageBytes(message);
    queue.push(message);
    (this.queueSizes ??= []).push(bytes);
    this.queuedBytes += bytes;
    // At or over the mark after adding: one message larger than the mark is still admitted, then we pause.
    if (!this.paused && this.queuedBytes >= this.readableHighWaterMark) {
      this.paused = true;
      this.transport.pause();
    }
    this.consumer?.schedule();
  }

  /** No more messages will arrive: waiting readers get the end (or `error`, once); queued ones still go out. */
  protected endRead(error?: FramedError): void {
    if (this.readEnded) return;
    this.readEnded = true;
    this.readError = error;
    const readers: Waiter<IteratorResult<T>>[] = [];
    if (this.readerResolve && this.readerReject)
      readers.push({ resolve: this.readerResolve, reject: this.readerReject });
    if (this.moreReaders) readers.push(...this.moreReaders);
    this.readerResolve = undefined;
    this.readerReject = undefined;
    this.moreReaders = undefined;
    for (const reader of readers) {
      const failure = this.readError;
      if (failure) {
        this.readError = undefined;
        reader.reject(failure);
      } else {
        reader.resolve(DONE);
      }
    }
    if (readers.length > 0) this.readEndObserved();
    this.consumer?.schedule();
    if (this.paused) {
      // Keep reading so the peer's close or EOF can arrive; input is discarded by the ended session.
      this.paused = false;
      this.transport.resume();
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
