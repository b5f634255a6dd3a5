/**
 * `stream.consume(handler)`: messages pushed to a callback instead of pulled by a `for await` loop. A
 * waiting loop holds a suspended async function, a pending promise and the reactions awaiting it for
 * every idle connection, and allocates a promise and an iterator result per message; a consumer holds
 * one small object and, while the handler returns nothing or a send that went out at once, allocates
 * nothing per message.
 */
import type { FramedError } from "./errors.ts";
import type { HandlerWatcher } from "./listener.ts";

/** What `send` returns when the message went out at once: a handler returning it needs no waiting. */
export const SENT: Promise<void> = Promise.resolve();

/** Returned by {@link ConsumedQueue.take} when no message is waiting. */
export const NOTHING: unique symbol = Symbol("framed.nothing");

/** What a consumer needs from the queue it empties (an `InboundQueue`). */
export interface ConsumedQueue<T> {
  /** The oldest queued message (resuming reading once the queue is short), or NOTHING. */
  take(): T | typeof NOTHING;
  /** The peer is done sending (or the stream failed): once the queue is empty there will be no more. */
  readonly readingOver: boolean;
  /** The consumer saw the end: the error to report, if any (once), and the write side may now close. */
  finishReading(): FramedError | undefined;
  /** The stream the queue belongs to: closed when the handler fails, and named when that is reported. */
  readonly owner: { close(): Promise<unknown> };
}

export class MessageConsumer<T> {
  private scheduled = false;
  /** The handler returned a promise that has not settled: the next message waits for it. */
  private busy = false;
  private done = false;
  /**
   * Handing messages over now (a pump, or `deliverNow`): a message pushed meanwhile (by the handler, or by a
   * transport resuming inside `take`) is queued behind, never handed over re-entrantly or out of order.
   */
  private running = false;
  /** The promise `consume` returned, and who takes its rejection (see `watchConsumed`). */
  private promise: Promise<void> | undefined;
  private failureWatcher: HandlerWatcher | undefined;

  constructor(
    private readonly queue: ConsumedQueue<T>,
    private readonly handler: (message: T) => unknown,
    /** Also rejects, given a rejected promise: one resolving function kept per connection instead of two. */
    private readonly resolve: (value?: PromiseLike<void>) => void,
  ) {}

  /** `consume` hands over the promise it returns, which settles through this consumer's `resolve`. */
  settles(promise: Promise<void>): void {
    this.promise = promise;
  }

  /**
   * Take over watching `result` for `watcher` if it is this consumer's promise and has not settled: its
   * rejection will be handed to `watcher.handlerFailed(stream, error)`.
   */
  watchFailure(result: PromiseLike<unknown>, watcher: HandlerWatcher): boolean {
    if (result !== this.promise || this.done || this.failureWatcher !== undefined) return false;
    this.failureWatcher = watcher;
    return true;
  }

  /**
   * Messages (or the end) are waiting: hand them over in a microtask, in one batch per decoded chunk.
   * Never synchronously, so a handler never runs inside the framing's decode loop (see `deliverNow`).
   */
  schedule(): void {
    if (this.scheduled || this.busy || this.done) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  /**
   * Run the handler on `message` now, when nothing is ahead of it (no batch scheduled, no handler running or
   * pending), for a session that delivers one message per runtime callback (`deliversOneByOne`). False when
   * the caller must queue it instead.
   */
  deliverNow(message: T): boolean {
    if (this.scheduled || this.busy || this.done || this.running) return false;
    this.running = true;
    this.call(message);
    this.running = false;
    return true;
  }

  private pump(): void {
    if (this.running) return;
    this.running = true;
    try {
      while (!this.busy && !this.done) {
        const message = this.queue.take();
        if (message === NOTHING) {
          if (this.queue.readingOver) this.finish();
          return;
        }
        this.call(message);
      }
    } finally {
      this.running = false;
    }
  }

  private call(message: T): void {
    let result: unknown;
    try {
      result = this.handler(message);
    } catch (error) {
      this.fail(error);
      return;
    }
    if (result === undefined || result === SENT || !isThenable(result)) return;
    this.busy = true;
    result.then(
      () => {
        this.busy = false;
        this.pump();
      },
      (error: unknown) => this.fail(error),
    );
  }

  private finish(): void {
    this.done = true;
    const error = this.queue.finishReading();
    if (error) this.rejectWith(error);
    else this.resolve();
  }

  /** The handler threw or rejected: close the stream, as leaving a `for await` loop does, and report it. */
  private fail(error: unknown): void {
    if (this.done) return;
    this.done = true;
    this.queue.owner.close().then(undefined, () => {});
    this.rejectWith(error);
  }

  private rejectWith(error: unknown): void {
    const watcher = this.failureWatcher;
    if (watcher !== undefined && this.promise !== undefined) {
      const stream = this.queue.owner;
      this.promise.then(undefined, (failure: unknown) => watcher.handlerFailed(stream, failure));
    }
    this.resolve(Promise.reject(error));
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === "function";
}
