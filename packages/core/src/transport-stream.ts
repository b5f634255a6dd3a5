/**
 * `TransportStream`: the MessageStream implementation over any MessageTransport (`FramedStream` is the
 * usual case of a ByteTransport joined to a FramingSession).
 *
 * Messages flow up (transport.message → queue → reader: the receiving half is `InboundMessages`, in
 * inbound-messages.ts) and down (send → transport.send). This file owns backpressure on the way down, the
 * close sequence and the one place where an outcome is decided.
 */
import { FramedError, toTransportError } from "./errors.ts";
import type { SessionEnd, SharedEncoding } from "./framing.ts";
import { InboundMessages, type Waiter } from "./inbound-messages.ts";
import { type CloseWatcher, watchClose } from "./listener.ts";
import { SENT } from "./message-consumer.ts";
import type { CloseInfo, CloseOptions, MessageStream, StreamOptions } from "./message-stream.ts";
import type { MessageTransport } from "./message-transport.ts";
import { type ClockedStream, StreamClock } from "./stream-clock.ts";
import { StreamEvents, type TransportEventTarget } from "./stream-events.ts";
import { readableFrom, writableTo } from "./web-streams.ts";

/** A stream's state as {@link TransportStream.readyState} reports it (the WebSocket API's four, as words). */
export type ReadyState = "connecting" | "open" | "closing" | "closed";

/** Bytes of decoded messages held for a slow reader before the transport is paused: 1 MiB. */
export const DEFAULT_READABLE_HIGH_WATER_MARK = 1024 * 1024;

/**
 * A MessageStream over any {@link MessageTransport}: the runtime adapters' common implementation.
 *
 * @example
 * ```ts
 * const stream = new TransportStream(nativeWebSocketTransport(socket), "websocket");
 * ```
 */
export class TransportStream<T>
  extends InboundMessages<T>
  implements MessageStream<T>, ClockedStream, TransportEventTarget<T>
{
  readonly framing: string;

  private readonly closeTimeout: number;

  private writeBlocked = false;
  private drainWaiters: Waiter<void>[] | undefined;

  private state: "open" | "closing" | "closed" = "open";
  private sessionEnded = false;
  /** No more writes: `transport.end()` or `destroy()` was called. */
  private writeClosed = false;
  private outcome: CloseInfo | undefined;
  private closedPromise: Promise<CloseInfo> | undefined;
  private resolveClosed: ((info: CloseInfo) => void) | undefined;
  /** Told when the stream closes, instead of a `closed.then` (see `watchClose`). */
  private closeWatcher: CloseWatcher | undefined;
  private watchedAs: object | undefined;
  private closeTimer: ReturnType<typeof setTimeout> | undefined;
  private warningListeners: Set<(error: FramedError) => void> | undefined;
  private readableView: ReadableStream<T> | undefined;
  private writableView: WritableStream<T> | undefined;

  constructor(transport: MessageTransport<T>, framingName: string, options: StreamOptions = {}) {
    super(transport, Math.max(1, options.readableHighWaterMark ?? DEFAULT_READABLE_HIGH_WATER_MARK));
    this.framing = framingName;
    this.closeTimeout = options.closeTimeout ?? 5000;
    const idleTimeout = options.idleTimeout ?? 0;
    const messageTimeout = options.messageTimeout ?? 0;
    if (idleTimeout > 0 || messageTimeout > 0) this.clock = new StreamClock(this, idleTimeout, messageTimeout);
    this.transport.start(new StreamEvents(this));
  }

  /**
   * Where the stream is, synchronously: `"open"`; `"closing"` once either side began to close (replies to
   * messages already received may still be sent when the peer closed first); `"closed"` once the transport is
   * gone. (`"connecting"` is only ever seen on a stream made around a socket that is still opening.)
   *
   * @example
   * ```ts
   * if (stream.readyState === "open") await stream.send("still there?");
   * ```
   */
  get readyState(): ReadyState {
    return this.state;
  }

  /**
   * Bytes accepted by `send` and not yet handed to the operating system (the browser's own `bufferedAmount`
   * for a native WebSocket). `send` starts waiting once this reaches `writableHighWaterMark`.
   *
   * @example
   * ```ts
   * if (stream.bufferedAmount < 64 * 1024) stream.send(snapshot()); // drop a frame rather than queue it
   * ```
   */
  get bufferedAmount(): number {
    return this.transport.bufferedAmount ?? 0;
  }

  /** Made when first asked for: most streams are never awaited this way. */
  get closed(): Promise<CloseInfo> {
    if (this.closedPromise === undefined) {
      this.closedPromise =
        this.state === "closed" && this.outcome
          ? Promise.resolve(this.outcome)
          : new Promise((resolve) => {
              this.resolveClosed = resolve;
            });
    }
    return this.closedPromise;
  }

  /** @internal `watcher.streamClosed(reportAs)` once this stream has closed (one watcher: a listener's registry). */
  [watchClose](watcher: CloseWatcher, reportAs: object): void {
    if (this.state === "closed") {
      watcher.streamClosed(reportAs);
      return;
    }
    this.closeWatcher = watcher;
    this.watchedAs = reportAs;
  }

  // ---- sending ------------------------------------------------------------------------------

  send(message: T): Promise<void> {
    const refusal = this.sendRefusal();
    if (refusal) return Promise.reject(refusal);
    try {
      if (!this.transport.send(message)) this.writeBlocked = true;
    } catch (error) {
      return Promise.reject(error);
    }
    return this.writeBlocked ? this.untilDrained() : SENT;
  }

  get sharedEncoding(): SharedEncoding<T> | undefined {
    return this.transport.sharedEncoding;
  }

  sendEncoded(bytes: Uint8Array): Promise<void> | null {
    const refusal = this.sendRefusal();
    if (refusal) throw refusal;
    if (this.transport.sendEncoded === undefined || this.transport.sharedEncoding === undefined) {
      throw new FramedError("INVALID_MESSAGE", `this ${this.framing} stream cannot write shared encodings`);
    }
    if (!this.transport.sendEncoded(bytes)) this.writeBlocked = true;
    return this.writeBlocked ? this.untilDrained() : null;
  }

  /** Why nothing can be sent now, if nothing can. */
  private sendRefusal(): FramedError | undefined {
    if (this.writeClosed || this.state === "closed" || (this.state === "closing" && !this.sessionEnded)) {
      return this.closedError("send");
    }
    if (!this.transport.writable) return new FramedError("CLOSED", `cannot send on a read-only ${this.framing} stream`);
    return undefined;
  }

  private untilDrained(): Promise<void> {
    return new Promise((resolve, reject) => {
      (this.drainWaiters ??= []).push({ resolve, reject });
    });
  }

  close(options: CloseOptions = {}): Promise<CloseInfo> {
    if (this.state !== "open") {
      // The peer already ended and we were only keeping the write side open for replies: done now.
      if (this.state === "closing" && this.sessionEnded) this.endTransport();
      return this.closed;
    }
    let awaitPeer = false;
    if (!this.sessionEnded) {
      try {
        awaitPeer = this.transport.close(options.code, options.reason);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    this.state = "closing";
    this.decide({ initiator: "local", code: options.code, reason: options.reason });
    this.startCloseTimer();
    if (!awaitPeer) this.endTransport();
    return this.closed;
  }

  abort(reason?: unknown): void {
    if (this.state === "closed") return;
    const detail = reason === undefined ? "" : `: ${reason instanceof Error ? reason.message : String(reason)}`;
    const error = new FramedError("CLOSED", `${this.framing} stream aborted${detail}`, { cause: reason });
    this.dropConnection({ initiator: "local" }, error);
  }

  // ---- receiving ----------------------------------------------------------------------------

  get readable(): ReadableStream<T> {
    this.readableView ??= readableFrom(() => this.read(), this);
    return this.readableView;
  }

  get writable(): WritableStream<T> {
    this.writableView ??= writableTo(this);
    return this.writableView;
  }

  onWarning(listener: (error: FramedError) => void): () => void {
    this.warningListeners ??= new Set();
    this.warningListeners.add(listener);
    return () => this.warningListeners?.delete(listener);
  }

  // ---- transport events (called through StreamEvents) --------------------------------------

  /** @internal Bytes arrived and were decoded, whether or not a message completed. */
  onActivity(): void {
    this.clock?.activity();
  }

  /** @internal */
  onWarn(error: FramedError): void {
    if (this.warningListeners) for (const listener of this.warningListeners) listener(error);
  }

  /** @internal */
  onSessionEnd(outcome: SessionEnd): void {
    if (this.sessionEnded) return;
    this.sessionEnded = true;
    if (outcome.error) {
      this.decide({ initiator: "error", error: outcome.error, code: outcome.code, reason: outcome.reason });
    } else if (this.outcome?.initiator === "local") {
      // The peer answered our close: report the peer's code and reason.
      this.outcome = {
        initiator: "local",
        code: outcome.code ?? this.outcome.code,
        reason: outcome.reason ?? this.outcome.reason,
      };
    } else {
      this.decide({ initiator: "remote", code: outcome.code, reason: outcome.reason });
    }
    if (this.state === "open") this.state = "closing";
    this.startCloseTimer();
    this.endRead(outcome.error);
    // Replies to messages already delivered may still be sent: the write side closes once the reader has
    // seen the end (see observeReadEnd), or at closeTimeout for a reader that never comes back.
    // After our own close() nothing is left to reply to (send already rejects): end at once.
    if (!this.iterationStarted || this.outcome?.initiator === "local") this.readEndObserved();
  }

  /** The reader reached the end of the messages: nothing more will be answered, so end the write side. */
  protected readEndObserved(): void {
    if (this.sessionEnded) this.endTransport();
  }

  private endTransport(): void {
    if (this.writeClosed) return;
    this.writeClosed = true;
    this.transport.end();
  }

  /** @internal */
  onDrain(): void {
    this.writeBlocked = false;
    const waiters = this.drainWaiters;
    if (waiters === undefined) return;
    this.drainWaiters = undefined;
    for (const waiter of waiters) waiter.resolve();
  }

  /** @internal */
  onTransportClose(error?: unknown): void {
    if (this.state === "closed") return;
    if (!this.sessionEnded) {
      if (error !== undefined) {
        this.sessionEnded = true;
        const failure = toTransportError(error);
        this.decide({ initiator: "error", error: failure });
        this.endRead(failure);
      } else {
        // Closed without EOF or a close handshake: report it as the end the framing never saw.
        this.onSessionEnd({});
      }
    }
    this.state = "closed";
    this.writeClosed = true;
    this.clearTimers();
    this.endRead();
    this.failWaitingSenders();
    this.outcome ??= { initiator: "remote" };
    const watcher = this.closeWatcher;
    const reportAs = this.watchedAs ?? this;
    this.closeWatcher = undefined;
    this.watchedAs = undefined;
    watcher?.streamClosed(reportAs);
    this.resolveClosed?.(this.outcome);
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** The first decisive event names the outcome; later ones don't overwrite it. */
  private decide(info: CloseInfo): void {
    if (this.outcome) return;
    const outcome: CloseInfo = { initiator: info.initiator };
    if (info.code !== undefined) outcome.code = info.code;
    if (info.reason !== undefined) outcome.reason = info.reason;
    if (info.error !== undefined) outcome.error = info.error;
    this.outcome = outcome;
  }

  private failWaitingSenders(): void {
    const waiters = this.drainWaiters;
    if (waiters === undefined || waiters.length === 0) return;
    this.drainWaiters = undefined;
    const error = this.closedError("send");
    for (const waiter of waiters) waiter.reject(error);
  }

  private closedError(action: string): FramedError {
    const why = this.outcome?.error ? `: ${this.outcome.error.message}` : "";
    return new FramedError("CLOSED", `cannot ${action}: the ${this.framing} stream is closed${why}`, {
      cause: this.outcome?.error,
    });
  }

  private startCloseTimer(): void {
    if (this.closeTimer !== undefined || this.state === "closed") return;
    this.closeTimer = setTimeout(() => {
      this.decide({
        initiator: "error",
        error: new FramedError("TIMEOUT", `${this.framing} close did not complete within ${this.closeTimeout} ms`),
      });
      this.sessionEnded = true;
      this.writeClosed = true;
      this.transport.destroy();
    }, this.closeTimeout);
  }

  // ---- for the clock (ClockedStream) ---------------------------------------------------------

  /** @internal */
  get isClosed(): boolean {
    return this.state === "closed";
  }

  /** @internal */
  get inputEnded(): boolean {
    return this.sessionEnded;
  }

  /** @internal */
  get isPaused(): boolean {
    return this.paused;
  }

  /** @internal */
  get midMessage(): boolean {
    return this.transport.midMessage === true;
  }

  /** @internal A timer decided the peer is gone or too slow: fail the stream and drop the connection. */
  timedOut(error: FramedError): void {
    this.dropConnection({ initiator: "error", error }, error);
  }

  /** Decide the outcome, end reading with `readError`, and destroy the transport without a close handshake. */
  private dropConnection(outcome: CloseInfo, readError: FramedError): void {
    this.decide(outcome);
    this.endRead(readError);
    this.sessionEnded = true;
    this.writeClosed = true;
    this.transport.destroy();
  }

  private clearTimers(): void {
    if (this.closeTimer !== undefined) clearTimeout(this.closeTimer);
    this.closeTimer = undefined;
    this.clock?.stop();
  }
}
