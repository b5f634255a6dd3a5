/**
 * The class behind `reconnecting(open)`: a MessageStream that outlives its connections. It opens one with
 * `open`, and when that one ends, waits (backoff) and opens another; sends made in between wait in a
 * bounded outbox.
 */
import { FramedError } from "../errors.ts";
import type { CloseInfo, CloseOptions, MessageStream } from "../message-stream.ts";
import { readableFrom, writableTo } from "../web-streams.ts";
import { backoffDelay } from "./backoff.ts";
import { ConnectionReader, type Reconnected } from "./connection-reader.ts";
import { sendLive } from "./live-send.ts";
import type { NetworkHint } from "./network-hints.ts";
import {
  type OpenConnection,
  type ReconnectOptions,
  type ReconnectSendOptions,
  type ResolvedOptions,
  resolveOptions,
  type SendResult,
} from "./options.ts";
import { Outbox } from "./outbox.ts";
import { type DisconnectCause, type ReconnectState, StateWatch } from "./state.ts";

/**
 * A {@link MessageStream} over a succession of connections. See {@link reconnecting}.
 *
 * Delivery is at most once: a message handed to a connection is never sent again, even when that
 * connection dies before the peer reads it (nothing tells the client whether it did; add acknowledgements
 * to the protocol for at-least-once). Queued messages go out in order, before any later send.
 */
export class ReconnectingStream<T> implements MessageStream<T> {
  /** Resolves once `close()` or `abort()` has ended the stream for good. */
  readonly closed: Promise<CloseInfo>;
  private readonly options: ResolvedOptions;
  private readonly watch = new StateWatch({ type: "connecting", attempt: 0 });
  private readonly outbox: Outbox<T>;
  private readonly reader: ConnectionReader<T>;
  private readonly warningListeners = new Set<(error: FramedError) => void>();
  private readonly onDrop: ((messages: T[]) => void) | undefined;
  private resolveClosed!: (info: CloseInfo) => void;
  /** The live connection, if any. */
  private inner: MessageStream<T> | undefined;
  /**
   * A connection that refused a send without writing it (it is ending) but has not closed yet: sends go to
   * the outbox, and its `closed` still decides what happens next (its close code matters to `shouldReconnect`).
   */
  private endingInner: MessageStream<T> | undefined;
  /** The connection `close()` is closing, for `abort()`. */
  private closingInner: MessageStream<T> | undefined;
  private closing: Promise<CloseInfo> | undefined;
  private connections = 0;
  private retries = 0;
  /** Bumped by every attempt, wait, reconnect and close: a callback from an older one is ignored. */
  private generation = 0;
  private timer: unknown;
  private attemptAbort: AbortController | undefined;
  private openedAt = 0;
  /** Why the last connection ended or attempt failed, for the next attempt and its marker. */
  private cause: DisconnectCause | undefined;
  private framingName = "";
  private readonly unsubscribeHints: (() => void) | undefined;
  private readableView: ReadableStream<T> | undefined;
  private writableView: WritableStream<T> | undefined;

  constructor(
    private readonly open: OpenConnection<T>,
    options: ReconnectOptions<T> = {},
  ) {
    this.options = resolveOptions(options);
    this.outbox = new Outbox(options.outbox);
    this.onDrop = options.onDrop;
    this.reader = new ConnectionReader<T>((error) => this.warn(error));
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    this.unsubscribeHints = this.options.hints?.subscribe((hint) => this.hinted(hint));
    this.attempt();
  }

  /** The current state. */
  get state(): ReconnectState {
    return this.watch.current;
  }

  /** The framing of the latest connection ("" before the first opens). */
  get framing(): string {
    return this.framingName;
  }

  /** Messages and bytes waiting in the outbox. */
  get queued(): { messages: number; bytes: number } {
    return { messages: this.outbox.length, bytes: this.outbox.bytes };
  }

  /**
   * Call `listener` with every state change, synchronously, from inside the change (so a `closed` or
   * `reconnecting` is never reported late). Returns an unsubscribe function.
   */
  onStateChange(listener: (state: ReconnectState) => void): () => void {
    return this.watch.subscribe(listener);
  }

  /** The current state, then every change, ending after `closed`. A reader that falls 64 changes behind skips the oldest. */
  states(): AsyncIterableIterator<ReconnectState> {
    return this.watch.iterate();
  }

  /**
   * Send over the live connection (resolves once the connection took it, waiting under its backpressure),
   * or, while there is none, queue it in the outbox (resolves at once). {@link sendOrQueue} says which.
   * Rejects with `CLOSED` after `close()`, with `OUTBOX_FULL` when the outbox refuses it, and with
   * `NOT_CONNECTED` when disconnected and `{ queue: false }`.
   */
  send(message: T, options?: ReconnectSendOptions): Promise<void> {
    return this.sendOrQueue(message, options).then(ignore);
  }

  /**
   * {@link send}, resolving `"sent"` when a live connection took the message and `"queued"` when it waits
   * in the outbox for the next connection.
   *
   * @example
   * ```ts
   * if ((await stream.sendOrQueue(update)) === "queued") showPending(update);
   * ```
   */
  sendOrQueue(message: T, options: ReconnectSendOptions = {}): Promise<SendResult> {
    if (this.closing)
      return Promise.reject(new FramedError("CLOSED", "cannot send: the reconnecting stream is closed"));
    const inner = this.inner;
    if (inner) return sendLive(inner, message, () => this.refusedAtOnce(inner, message, options));
    if (options.queue === false) {
      return Promise.reject(
        new FramedError("NOT_CONNECTED", `cannot send without queuing: the stream is ${this.state.type}`),
      );
    }
    let dropped: T[];
    try {
      dropped = this.outbox.push(message);
    } catch (error) {
      return Promise.reject(error);
    }
    if (dropped.length > 0) this.onDrop?.(dropped);
    return QUEUED;
  }

  /**
   * Drop the current connection (closing it gracefully) or stop waiting, and connect now, with the retry
   * count back at 0. Works in every state but `closed`, including `stopped`.
   * @throws FramedError `CLOSED` after `close()`.
   */
  reconnect(): void {
    if (this.closing) throw new FramedError("CLOSED", "cannot reconnect: the reconnecting stream is closed");
    const old = this.inner;
    this.inner = undefined;
    this.endingInner = undefined;
    this.retries = 0;
    this.attemptAbort?.abort(new FramedError("CLOSED", "reconnect() was called"));
    if (old) {
      this.cause = { closeInfo: { initiator: "local" } };
      old.close().catch(() => {});
    }
    this.attempt();
  }

  /**
   * End for good: stop any attempt or wait, close the live connection gracefully (flushing what it was
   * given), and drop the outbox (its size is in the `closed` state's `unsent`).
   */
  close(options: CloseOptions = {}): Promise<CloseInfo> {
    if (this.closing) return this.closing;
    this.generation++;
    this.clearTimer();
    this.attemptAbort?.abort(new FramedError("CLOSED", "the reconnecting stream was closed"));
    this.unsubscribeHints?.();
    const inner = this.inner ?? this.endingInner;
    this.inner = undefined;
    this.endingInner = undefined;
    this.closingInner = inner;
    const unsent = this.outbox.takeAll().length;
    const local: CloseInfo = { initiator: "local", code: options.code, reason: options.reason };
    this.closing = (inner ? inner.close(options).catch(() => local) : Promise.resolve(local)).then((info) => {
      this.reader.end();
      this.watch.set({ type: "closed", closeInfo: info, unsent });
      this.resolveClosed(info);
      return info;
    });
    return this.closing;
  }

  /** End for good without flushing: the live connection is torn down. */
  abort(reason?: unknown): void {
    const inner = this.inner ?? this.closingInner;
    void this.close();
    inner?.abort(reason);
  }

  onWarning(listener: (error: FramedError) => void): () => void {
    this.warningListeners.add(listener);
    return () => {
      this.warningListeners.delete(listener);
    };
  }

  /**
   * Messages of every connection in turn, ending after `close()` (a `stopped` stream waits for `reconnect()`
   * or `close()`). With `markers: true`, a {@link Reconnected} comes between the
   * last message of one connection and the first of the next. Leaving the loop early closes the stream.
   *
   * @example
   * ```ts
   * for await (const item of stream.iterate({ markers: true })) {
   *   if (item instanceof Reconnected) resubscribe();
   *   else handle(item);
   * }
   * ```
   */
  iterate(options: { markers: true }): AsyncIterableIterator<T | Reconnected>;
  iterate(options?: { markers?: false }): AsyncIterableIterator<T>;
  iterate(options: { markers?: boolean } = {}): AsyncIterableIterator<T | Reconnected> {
    return this.reader.iterator(options.markers === true, () => this.close());
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.iterate();
  }

  /**
   * {@link MessageStream.consume} across every connection: resolves once the stream is closed for good
   * (`close()`), not when one connection ends; a `stopped` stream keeps it waiting for `reconnect()`.
   */
  consume(handler: (message: T) => unknown): Promise<void> {
    return this.reader.consume(handler, () => this.close());
  }

  get readable(): ReadableStream<T> {
    this.readableView ??= readableFrom(() => this.reader.next(false) as Promise<IteratorResult<T>>, this);
    return this.readableView;
  }

  get writable(): WritableStream<T> {
    this.writableView ??= writableTo(this);
    return this.writableView;
  }

  // ---- the connection cycle ---------------------------------------------------------------

  private attempt(): void {
    const generation = ++this.generation;
    this.clearTimer();
    const abort = new AbortController();
    this.attemptAbort = abort;
    const info = { attempt: this.retries, connection: this.connections + 1, signal: abort.signal, cause: this.cause };
    this.watch.set({ type: "connecting", attempt: this.retries });
    const { connectTimeout, clock } = this.options;
    if (connectTimeout > 0) {
      this.timer = clock.setTimeout(() => {
        if (generation !== this.generation) return;
        const error = new FramedError(
          "TIMEOUT",
          `connection ${info.connection} did not open within ${connectTimeout} ms (connectTimeout)`,
        );
        abort.abort(error);
        this.attemptFailed(generation, error);
      }, connectTimeout);
    }
    let opening: Promise<MessageStream<T>>;
    try {
      opening = Promise.resolve(this.open(info));
    } catch (error) {
      opening = Promise.reject(error);
    }
    opening.then(
      (stream) => {
        // Too late (timed out, reconnect() or close() since): this connection is not wanted.
        if (generation !== this.generation) stream.abort();
        else this.adopt(stream);
      },
      (error) => this.attemptFailed(generation, error),
    );
  }

  private attemptFailed(generation: number, error: unknown): void {
    if (generation !== this.generation) return;
    this.generation++;
    this.clearTimer();
    this.attemptAbort = undefined;
    this.retry({ error });
  }

  private adopt(stream: MessageStream<T>): void {
    this.clearTimer();
    this.attemptAbort = undefined;
    this.inner = stream;
    this.connections++;
    this.framingName = stream.framing;
    this.openedAt = this.options.clock.now();
    stream.onWarning((error) => this.warn(error));
    // The outbox first, synchronously, before the state says open: no later send can overtake it.
    let failures = 0;
    for (const message of this.outbox.takeAll()) {
      stream.send(message).catch((error) => {
        if (failures++ === 0) this.warn(asFramedError(error, "a queued message could not be sent"));
      });
    }
    this.reader.add(stream, this.connections, this.cause ?? {});
    this.cause = undefined;
    this.watch.set({ type: "open", connection: this.connections });
    stream.closed.then((info) => this.innerClosed(stream, info));
  }

  /** A live connection refused a send before writing it: it is ending; queue from now on. */
  private refusedAtOnce(inner: MessageStream<T>, message: T, options: ReconnectSendOptions): Promise<SendResult> {
    if (this.inner === inner) {
      this.inner = undefined;
      this.endingInner = inner;
    }
    return this.sendOrQueue(message, options);
  }

  private innerClosed(stream: MessageStream<T>, info: CloseInfo): void {
    if (stream !== this.inner && stream !== this.endingInner) return; // detached by reconnect() or close()
    this.inner = undefined;
    this.endingInner = undefined;
    if (this.options.clock.now() - this.openedAt >= this.options.minUptime) this.retries = 0;
    this.retry({ closeInfo: info });
  }

  private retry(cause: DisconnectCause): void {
    this.cause = cause;
    const { shouldReconnect, maxRetries, backoff, clock, hints } = this.options;
    let again: boolean;
    try {
      again = shouldReconnect({ ...cause, attempt: this.retries + 1 });
    } catch (error) {
      this.warn(asFramedError(error, "shouldReconnect threw"));
      again = false;
    }
    if (!again || this.retries >= maxRetries) {
      this.generation++;
      this.watch.set({ type: "stopped", reason: again ? "retries-exhausted" : "refused", cause });
      return;
    }
    this.retries++;
    const delay = backoffDelay(this.retries, backoff, clock.random());
    const offline = hints !== undefined && !hints.isOnline();
    this.wait(delay, offline);
  }

  /** Wait `delay` ms before the next attempt, or, when `offline`, until the network is back. */
  private wait(delay: number, offline: boolean): void {
    const generation = ++this.generation;
    this.clearTimer();
    if (!offline) {
      this.timer = this.options.clock.setTimeout(() => {
        if (generation === this.generation) this.attempt();
      }, delay);
    }
    this.watch.set({ type: "reconnecting", attempt: this.retries, delay, offline, cause: this.cause ?? {} });
  }

  /** The network came back or the page became visible: skip the rest of the wait. Offline: wait for it. */
  private hinted(hint: NetworkHint): void {
    const state = this.watch.current;
    if (state.type !== "reconnecting") return;
    if (hint === "offline") {
      if (!state.offline) this.wait(state.delay, true);
    } else this.attempt();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private warn(error: FramedError): void {
    for (const listener of [...this.warningListeners]) listener(error);
  }
}

const QUEUED: Promise<SendResult> = Promise.resolve("queued");
const ignore = (): void => {};

function asFramedError(error: unknown, what: string): FramedError {
  if (error instanceof FramedError) return error;
  return new FramedError("INTERNAL_ERROR", `${what}: ${(error as Error)?.message ?? String(error)}`, { cause: error });
}
