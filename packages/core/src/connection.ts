/**
 * `Connection`: one object per connection, from bytes to messages and back. It owns the framing session,
 * the inbound queue, the write state and the one clock for every deadline, and is the stream users hold.
 *   Up:   transport.receive(chunk) → session.receive → message() → inbound queue → `for await` / `consume`
 *   Down: send(message) → session.send → write() → transport.write
 * The adapter under it is a small loop (`ByteTransport`); framing logic lives only in the session. A runtime
 * that frames by itself (a native WebSocket) is transport and session at once and calls `message()`.
 */
import { ConnectionClock } from "./connection-clock.ts";
import * as key from "./connection-keys.ts";
import {
  type ConnectionOptions,
  type ConnectionSetup,
  DEFAULT_READABLE_HIGH_WATER_MARK,
  NO_OPTIONS,
} from "./connection-setup.ts";
import { FramedError, toTransportError } from "./errors.ts";
import type { FramingSession, SessionEnd, SessionSink, SharedEncoding } from "./framing.ts";
import { InboundQueue, type QueueOwner, type Waiter } from "./inbound-queue.ts";
import { type CloseWatcher, type HandlerWatcher, watchClose, watchConsumed } from "./listener.ts";
import { SENT } from "./message-consumer.ts";
import type { CloseInfo, CloseOptions, FramedStream, ReadyState } from "./message-stream.ts";
import { StreamIterator } from "./stream-iterator.ts";
import type { ByteTransport, TransportEvents } from "./transport.ts";
import { readableFrom, writableTo } from "./web-streams.ts";
import type { WriteSlab } from "./write-slab.ts";

/**
 * The connection object every adapter returns (typed as {@link FramedStream}). Its `receive`…
 * `transportClosed` methods are its transport's way in, and `message`…`end` its session's (`SessionSink`);
 * applications use the `MessageStream` side.
 *
 * @example
 * ```ts
 * const stream: FramedStream<Uint8Array> = new Connection({ transport, framing: lengthPrefix(), role: "client" });
 * await stream.send(new Uint8Array([1, 2, 3]));
 * ```
 */
export class Connection<T> implements FramedStream<T>, SessionSink<T>, TransportEvents, QueueOwner {
  readonly framing: string;
  /** The framing session; for adapters (a WebSocket's ping), not application code. */
  readonly session: FramingSession<T>;
  readonly #transport: ByteTransport;
  readonly #options: ConnectionOptions;
  readonly #inbound: InboundQueue<T>;
  #clock: ConnectionClock | undefined; // made when a deadline is set, or at close
  #decoding = false; // inside `receive`: the clock hears the chunk once, after its messages
  #state: "open" | "closing" | "closed" = "open";
  /** The peer's input is over: the session reported its end, or the connection failed. Nothing more is decoded. */
  #inputEnded = false;
  /** No more writes: `transport.end()` or `destroy()` was called. */
  #writeClosed = false;
  #writeBlocked = false;
  #drainWaiters: Waiter<void>[] | undefined;
  #outcome: CloseInfo | undefined;
  #closedPromise: Promise<CloseInfo> | undefined;
  #resolveClosed: ((info: CloseInfo) => void) | undefined;
  /** Told when the connection closes, instead of a `closed.then` (see `watchClose`). */
  #closeWatcher: CloseWatcher | undefined;
  #watchedAs: object | undefined;
  #warningListeners: Set<(error: FramedError) => void> | undefined;
  #readable: ReadableStream<T> | undefined;
  #writable: WritableStream<T> | undefined;

  constructor(setup: ConnectionSetup<T>) {
    const options = setup.options ?? NO_OPTIONS;
    this.framing = setup.framing.name;
    this.#transport = setup.transport;
    this.#options = options;
    const highWaterMark = Math.max(1, options.readableHighWaterMark ?? DEFAULT_READABLE_HIGH_WATER_MARK);
    this.#inbound = new InboundQueue(this, highWaterMark);
    if (options.idleTimeout || options.messageTimeout || options.keepAlive)
      this.#clock = new ConnectionClock(this, options);
    this.session = setup.framing.open(this, { role: setup.role });
    this.#inbound.direct = this.session.deliversOneByOne === true;
    this.#transport.start(this);
    if (setup.head && setup.head.length > 0 && !this.#inputEnded) this.session.receive(setup.head);
  }

  // ---- up: from the transport --------------------------------------------------------------

  receive(chunk: Uint8Array): void {
    this.#decoding = true;
    if (!this.#inputEnded) this.session.receive(chunk);
    this.#decoding = false;
    // After decoding, so the message clock sees whether this chunk finished a message or began one.
    this.#clock?.heard();
  }

  receiveEnd(): void {
    if (this.#inputEnded) return;
    this.session.receiveEnd();
    // A session must end at EOF; if one forgets, the stream still must not hang.
    this.end({});
  }

  drained(): void {
    this.#writeBlocked = false;
    const waiters = this.#drainWaiters;
    if (waiters === undefined) return;
    this.#drainWaiters = undefined;
    for (const waiter of waiters) waiter.resolve();
  }

  transportClosed(error?: unknown): void {
    if (this.#state === "closed") return;
    if (!this.#inputEnded) {
      if (error === undefined) {
        // Closed without EOF or a close handshake: the framing reports a cut-off message (TRUNCATED, 1006).
        this.receiveEnd();
      } else {
        this.#inputEnded = true;
        const failure = toTransportError(error);
        this.#decide({ initiator: "error", error: failure });
        this.#inbound.end(failure);
      }
    }
    this.#state = "closed";
    this.#writeClosed = true;
    this.#clock?.stop();
    this.#inbound.end();
    this.#failWaitingSenders();
    this.#outcome ??= { initiator: "remote" };
    this.#closeWatcher?.streamClosed(this.#watchedAs ?? this);
    this.#closeWatcher = this.#watchedAs = undefined;
    this.#resolveClosed?.(this.#outcome);
  }

  // ---- from the session (SessionSink): messages up, bytes down ------------------------------

  message(message: T, size?: number): void {
    // Outside `receive` (a runtime that frames by itself), a message is all the clock hears of the peer.
    this.#clock?.messageDelivered(!this.#decoding);
    this.#inbound.push(message, size);
  }

  warn(error: FramedError): void {
    if (this.#warningListeners) for (const listener of this.#warningListeners) listener(error);
  }

  /** The session's input is over: bad input (`error`), the peer's close, or EOF. */
  end(outcome: SessionEnd): void {
    if (this.#inputEnded) return;
    this.#inputEnded = true;
    if (outcome.error) {
      this.#decide({ initiator: "error", error: outcome.error, code: outcome.code, reason: outcome.reason });
    } else if (this.#outcome?.initiator === "local") {
      // The peer answered our close: report the peer's code and reason.
      this.#outcome = {
        initiator: "local",
        code: outcome.code ?? this.#outcome.code,
        reason: outcome.reason ?? this.#outcome.reason,
      };
    } else {
      this.#decide({ initiator: "remote", code: outcome.code, reason: outcome.reason });
    }
    if (this.#state === "open") this.#state = "closing";
    this.#startCloseDeadline();
    this.#inbound.end(outcome.error);
    // Replies to delivered messages may still go out until the reader has seen the end (or closeTimeout).
    // After our own close() nothing is left to reply to (send already rejects): end at once.
    if (!this.#inbound.started || this.#outcome?.initiator === "local") this[key.readEndObserved]();
  }

  write(bytes: Uint8Array): void {
    if (!this.#transport.write(bytes)) this.#writeBlocked = true;
  }

  writeSlab(slab: WriteSlab, size: number): void {
    if (!slab.send(this.#transport, size)) this.#writeBlocked = true;
  }

  // ---- the MessageStream ---------------------------------------------------------------------

  send(message: T): Promise<void> {
    const refusal = this.#sendRefusal();
    if (refusal) return Promise.reject(refusal);
    try {
      if (this.session.send(message) === false) this.#writeBlocked = true;
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#writeBlocked ? this.#untilDrained() : SENT;
  }

  get sharedEncoding(): SharedEncoding<T> | undefined {
    return this.session.sendEncoded === undefined ? undefined : this.session.sharedEncoding;
  }

  sendEncoded(bytes: Uint8Array): Promise<void> | null {
    const refusal = this.#sendRefusal();
    if (refusal) throw refusal;
    if (this.sharedEncoding === undefined) {
      throw new FramedError("INVALID_MESSAGE", `this ${this.framing} stream cannot write shared encodings`);
    }
    (this.session as Required<FramingSession<T>>).sendEncoded(bytes);
    return this.#writeBlocked ? this.#untilDrained() : null;
  }

  close(options: CloseOptions = {}): Promise<CloseInfo> {
    if (this.#state !== "open") {
      // The peer already ended and we were only keeping the write side open for replies: done now.
      if (this.#state === "closing" && this.#inputEnded) this.#endWrites();
      return this.closed;
    }
    let awaitPeer = false;
    if (!this.#inputEnded) {
      try {
        awaitPeer = this.session.close(options.code, options.reason);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    this.#state = "closing";
    this.#decide({ initiator: "local", code: options.code, reason: options.reason });
    this.#startCloseDeadline();
    if (!awaitPeer) this.#endWrites();
    return this.closed;
  }

  abort(reason?: unknown): void {
    if (this.#state === "closed") return;
    const detail = reason === undefined ? "" : `: ${reason instanceof Error ? reason.message : String(reason)}`;
    const error = new FramedError("CLOSED", `${this.framing} stream aborted${detail}`, { cause: reason });
    this.#drop({ initiator: "local" }, error);
  }

  /** Made when first asked for: most streams are never awaited this way. */
  get closed(): Promise<CloseInfo> {
    if (this.#closedPromise === undefined) {
      this.#closedPromise =
        this.#state === "closed" && this.#outcome
          ? Promise.resolve(this.#outcome)
          : new Promise((resolve) => {
              this.#resolveClosed = resolve;
            });
    }
    return this.#closedPromise;
  }

  get readyState(): ReadyState {
    return this.#state;
  }

  get bufferedAmount(): number {
    return this.#transport.bufferedAmount ?? 0;
  }

  /** Bytes held by messages waiting for the reader (see `readableHighWaterMark`). */
  get readableBytes(): number {
    return this.#inbound.bytes;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return new StreamIterator(this.#inbound);
  }

  consume(handler: (message: T) => unknown): Promise<void> {
    return this.#inbound.consume(handler);
  }

  get readable(): ReadableStream<T> {
    this.#readable ??= readableFrom(() => this.#inbound.read(), this);
    return this.#readable;
  }

  get writable(): WritableStream<T> {
    this.#writable ??= writableTo(this);
    return this.#writable;
  }

  onWarning(listener: (error: FramedError) => void): () => void {
    this.#warningListeners ??= new Set();
    this.#warningListeners.add(listener);
    return () => this.#warningListeners?.delete(listener);
  }

  /** `watcher.streamClosed(reportAs)` once this connection has closed (one watcher: a listener's registry). */
  [watchClose](watcher: CloseWatcher, reportAs: object): void {
    if (this.#state === "closed") {
      watcher.streamClosed(reportAs);
      return;
    }
    this.#closeWatcher = watcher;
    this.#watchedAs = reportAs;
  }

  /** See `watchConsumed`: a registry's handler returned this stream's `consume` promise. */
  [watchConsumed](result: PromiseLike<unknown>, watcher: HandlerWatcher): boolean {
    return this.#inbound.watchConsumed(result, watcher);
  }

  // ---- for the inbound queue and the clock (keys in connection-keys.ts) ----------------------

  [key.pauseReading](): void {
    this.#transport.pause();
  }

  [key.resumeReading](): void {
    this.#clock?.resumed();
    this.#transport.resume();
  }

  /** The reader reached the end of the messages: nothing more will be answered, so end the write side. */
  [key.readEndObserved](): void {
    if (this.#inputEnded) this.#endWrites();
  }

  get [key.readingPaused](): boolean {
    return this.#inbound.paused;
  }

  get [key.inputEnded](): boolean {
    return this.#inputEnded;
  }

  get [key.midMessage](): boolean {
    return !this.#inputEnded && this.session.midMessage === true;
  }

  /** A deadline passed: the peer is gone or too slow. Fail the stream and drop the connection. */
  [key.timedOut](error: FramedError): void {
    this.#drop({ initiator: "error", error }, error);
  }

  /** The close handshake did not finish in time: drop the connection; the reader still sees a plain end. */
  [key.closeTimedOut](error: FramedError): void {
    this.#drop({ initiator: "error", error });
  }

  [key.keepAlivePing](): void {
    if (this.session.ping === undefined) throw new FramedError("CLOSED", `${this.framing} sessions cannot ping`);
    this.session.ping();
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** Why nothing can be sent now, if nothing can. */
  #sendRefusal(): FramedError | undefined {
    const closed = this.#writeClosed || this.#state === "closed" || (this.#state === "closing" && !this.#inputEnded);
    if (closed) return this.#closedError("send");
    if (!this.#transport.writable)
      return new FramedError("CLOSED", `cannot send on a read-only ${this.framing} stream`);
    return undefined;
  }

  #untilDrained(): Promise<void> {
    return new Promise((resolve, reject) => {
      (this.#drainWaiters ??= []).push({ resolve, reject });
    });
  }

  #endWrites(): void {
    if (this.#writeClosed) return;
    this.#writeClosed = true;
    // Last bytes the framing owes (a WebSocket failure's close frame), after every reply already queued.
    this.session.endOutput?.();
    this.#transport.end();
  }

  /** The first decisive event names the outcome; later ones don't overwrite it. */
  #decide(info: CloseInfo): void {
    if (this.#outcome) return;
    const outcome: CloseInfo = { initiator: info.initiator };
    if (info.code !== undefined) outcome.code = info.code;
    if (info.reason !== undefined) outcome.reason = info.reason;
    if (info.error !== undefined) outcome.error = info.error;
    this.#outcome = outcome;
  }

  /** Decide the outcome, end reading (with `readError`), and destroy the transport without a close handshake. */
  #drop(outcome: CloseInfo, readError?: FramedError): void {
    this.#decide(outcome);
    if (readError) this.#inbound.end(readError);
    this.#inputEnded = true;
    this.#writeClosed = true;
    this.#transport.destroy();
  }

  #failWaitingSenders(): void {
    const waiters = this.#drainWaiters;
    if (waiters === undefined || waiters.length === 0) return;
    this.#drainWaiters = undefined;
    const error = this.#closedError("send");
    for (const waiter of waiters) waiter.reject(error);
  }

  #closedError(action: string): FramedError {
    const why = this.#outcome?.error ? `: ${this.#outcome.error.message}` : "";
    return new FramedError("CLOSED", `cannot ${action}: the ${this.framing} stream is closed${why}`, {
      cause: this.#outcome?.error,
    });
  }

  #startCloseDeadline(): void {
    if (this.#state === "closed") return;
    this.#clock ??= new ConnectionClock(this, this.#options);
    this.#clock.closing();
  }
}
