/**
 * The MessageStream implementation: `TransportStream` over any MessageTransport, and `FramedStream`,
 * the usual case of a ByteTransport joined to a FramingSession.
 *
 * Messages flow up (transport.message → queue → reader) and down (send → transport.send). This file owns
 * backpressure both ways, the close sequence and the one place where an outcome is decided.
 */
import { FramedError, toTransportError } from "./errors.ts";
import type { Framing, FramingSession, Role, SessionEnd } from "./framing.ts";
import type { CloseInfo, CloseOptions, MessageStream, StreamOptions } from "./message-stream.ts";
import type { MessageTransport } from "./message-transport.ts";
import { SessionTransport } from "./session-transport.ts";
import type { ByteTransport } from "./transport.ts";

const RESOLVED: Promise<void> = Promise.resolve();
const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

interface Waiter<V> {
  resolve(value: V): void;
  reject(error: unknown): void;
}

/**
 * A MessageStream over any {@link MessageTransport}: the runtime adapters' common implementation.
 *
 * @example
 * ```ts
 * const stream = new TransportStream(nativeWebSocketTransport(socket), "websocket");
 * ```
 */
export class TransportStream<T> implements MessageStream<T> {
  readonly framing: string;
  readonly closed: Promise<CloseInfo>;

  private readonly transport: MessageTransport<T>;
  private readonly readableHighWaterMark: number;
  private readonly closeTimeout: number;
  private readonly idleTimeout: number;
  private readonly messageTimeout: number;

  private queue: T[] = [];
  private queueHead = 0;
  private readers: Waiter<IteratorResult<T>>[] = [];
  private readEnded = false;
  private readError: FramedError | undefined;
  private iterationStarted = false;
  private paused = false;

  private writeBlocked = false;
  private drainWaiters: Waiter<void>[] = [];

  private state: "open" | "closing" | "closed" = "open";
  private sessionEnded = false;
  /** No more writes: `transport.end()` or `destroy()` was called. */
  private writeClosed = false;
  private outcome: CloseInfo | undefined;
  private resolveClosed!: (info: CloseInfo) => void;
  private closeTimer: ReturnType<typeof setTimeout> | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private lastDataAt = 0;
  private messageTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the message now arriving began (0: none is); `messagesAtStart` tells a later message from it. */
  private messageStartedAt = 0;
  private messagesAtStart = 0;
  private messagesReceived = 0;
  private warningListeners: Set<(error: FramedError) => void> | undefined;
  private readableView: ReadableStream<T> | undefined;
  private writableView: WritableStream<T> | undefined;

  constructor(transport: MessageTransport<T>, framingName: string, options: StreamOptions = {}) {
    this.framing = framingName;
    this.transport = transport;
    this.readableHighWaterMark = Math.max(1, options.readableHighWaterMark ?? 1024);
    this.closeTimeout = options.closeTimeout ?? 5000;
    this.idleTimeout = options.idleTimeout ?? 0;
    this.messageTimeout = options.messageTimeout ?? 0;
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    if (this.idleTimeout > 0) this.armIdleTimer(this.idleTimeout);
    this.transport.start({
      message: (message) => this.deliver(message),
      activity: () => {
        if (this.idleTimeout > 0) this.lastDataAt = Date.now();
        if (this.messageTimeout > 0) this.watchMessage();
      },
      warn: (error) => {
        if (this.warningListeners) for (const listener of this.warningListeners) listener(error);
      },
      end: (outcome) => this.onSessionEnd(outcome),
      drain: () => this.onDrain(),
      close: (error) => this.onTransportClose(error),
    });
  }

  // ---- sending ------------------------------------------------------------------------------

  send(message: T): Promise<void> {
    if (this.writeClosed || this.state === "closed" || (this.state === "closing" && !this.sessionEnded)) {
      return Promise.reject(this.closedError("send"));
    }
    if (!this.transport.writable) {
      return Promise.reject(new FramedError("CLOSED", `cannot send on a read-only ${this.framing} stream`));
    }
    try {
      if (!this.transport.send(message)) this.writeBlocked = true;
    } catch (error) {
      return Promise.reject(error);
    }
    if (!this.writeBlocked) return RESOLVED;
    return new Promise((resolve, reject) => this.drainWaiters.push({ resolve, reject }));
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
    this.decide({ initiator: "local" });
    this.endRead(error);
    this.sessionEnded = true;
    this.writeClosed = true;
    this.transport.destroy();
  }

  // ---- receiving ----------------------------------------------------------------------------

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => this.next(),
      return: () => {
        this.close();
        return Promise.resolve(DONE);
      },
    };
  }

  private next(): Promise<IteratorResult<T>> {
    this.iterationStarted = true;
    if (this.queueHead < this.queue.length) {
      const value = this.queue[this.queueHead++];
      if (this.queueHead === this.queue.length) {
        this.queue.length = 0;
        this.queueHead = 0;
      }
      if (this.paused && this.queue.length - this.queueHead <= this.readableHighWaterMark >> 1) {
        this.paused = false;
        // The idle and message clocks restart: the peer could not send while we were not reading.
        if (this.idleTimeout > 0) this.lastDataAt = Date.now();
        if (this.messageStartedAt !== 0) this.messageStartedAt = Date.now();
        this.transport.resume();
      }
      return Promise.resolve({ done: false, value });
    }
    if (this.readEnded) {
      const error = this.readError;
      this.readError = undefined;
      this.observeReadEnd();
      return error ? Promise.reject(error) : Promise.resolve(DONE);
    }
    return new Promise((resolve, reject) => this.readers.push({ resolve, reject }));
  }

  get readable(): ReadableStream<T> {
    this.readableView ??= new ReadableStream<T>(
      {
        pull: async (controller) => {
          const result = await this.next();
          if (result.done) controller.close();
          else controller.enqueue(result.value);
        },
        cancel: () => {
          this.close();
        },
      },
      { highWaterMark: 0 },
    );
    return this.readableView;
  }

  get writable(): WritableStream<T> {
    this.writableView ??= new WritableStream<T>({
      write: (message) => this.send(message),
      close: async () => {
        await this.close();
      },
      abort: (reason) => this.abort(reason),
    });
    return this.writableView;
  }

  onWarning(listener: (error: FramedError) => void): () => void {
    this.warningListeners ??= new Set();
    this.warningListeners.add(listener);
    return () => this.warningListeners?.delete(listener);
  }

  // ---- transport events -------------------------------------------------------------------

  private deliver(message: T): void {
    this.messagesReceived++;
    const reader = this.readers.shift();
    if (reader) {
      reader.resolve({ done: false, value: message });
      return;
    }
    this.queue.push(message);
    if (!this.paused && this.queue.length - this.queueHead >= this.readableHighWaterMark) {
      this.paused = true;
      this.transport.pause();
    }
  }

  private onSessionEnd(outcome: SessionEnd): void {
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
    if (!this.iterationStarted || this.outcome?.initiator === "local") this.observeReadEnd();
  }

  /** The reader reached the end of the messages: nothing more will be answered, so end the write side. */
  private observeReadEnd(): void {
    if (this.sessionEnded) this.endTransport();
  }

  private endTransport(): void {
    if (this.writeClosed) return;
    this.writeClosed = true;
    this.transport.end();
  }

  private onDrain(): void {
    this.writeBlocked = false;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const waiter of waiters) waiter.resolve();
  }

  private onTransportClose(error?: unknown): void {
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
    this.resolveClosed(this.outcome ?? { initiator: "remote" });
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

  private endRead(error?: FramedError): void {
    if (this.readEnded) return;
    this.readEnded = true;
    this.readError = error;
    const readers = this.readers;
    this.readers = [];
    for (const reader of readers) {
      const failure = this.readError;
      if (failure) {
        this.readError = undefined;
        reader.reject(failure);
      } else {
        reader.resolve(DONE);
      }
    }
    if (readers.length > 0) this.observeReadEnd();
    if (this.paused) {
      // Keep reading so the peer's close or EOF can arrive; input is discarded by the ended session.
      this.paused = false;
      this.transport.resume();
    }
  }

  private failWaitingSenders(): void {
    if (this.drainWaiters.length === 0) return;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
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

  private armIdleTimer(delay: number): void {
    this.idleTimer = setTimeout(() => {
      if (this.state === "closed") return;
      // Silence while the transport is paused is our slow reader's backpressure, not an idle peer.
      if (this.paused) {
        this.armIdleTimer(this.idleTimeout);
        return;
      }
      const idleFor = this.lastDataAt === 0 ? this.idleTimeout : Date.now() - this.lastDataAt;
      if (idleFor < this.idleTimeout) {
        this.armIdleTimer(this.idleTimeout - idleFor);
        return;
      }
      this.failTimedOut(new FramedError("TIMEOUT", `${this.framing} stream idle for ${this.idleTimeout} ms`));
    }, delay);
  }

  /** After decoding a chunk: start, restart or stop timing the message now arriving. */
  private watchMessage(): void {
    if (this.transport.midMessage !== true) {
      this.messageStartedAt = 0;
      return;
    }
    // A message that began in this chunk (the previous one finished) gets its own clock.
    if (this.messageStartedAt === 0 || this.messagesReceived !== this.messagesAtStart) {
      this.messageStartedAt = Date.now();
      this.messagesAtStart = this.messagesReceived;
    }
    if (this.messageTimer === undefined) this.armMessageTimer(this.messageTimeout);
  }

  private armMessageTimer(delay: number): void {
    this.messageTimer = setTimeout(() => {
      this.messageTimer = undefined;
      // The peer is done sending (EOF, its close, or bad input already reported): no message is arriving.
      if (this.state === "closed" || this.sessionEnded || this.messageStartedAt === 0) return;
      const elapsed = this.paused ? 0 : Date.now() - this.messageStartedAt;
      if (elapsed < this.messageTimeout) {
        this.armMessageTimer(this.messageTimeout - elapsed);
        return;
      }
      this.failTimedOut(
        new FramedError(
          "TIMEOUT",
          `${this.framing} message still incomplete after ${this.messageTimeout} ms (messageTimeout): the peer sends too slowly`,
        ),
      );
    }, delay);
  }

  /** A timer decided the peer is gone or too slow: fail the stream and drop the connection. */
  private failTimedOut(error: FramedError): void {
    this.decide({ initiator: "error", error });
    this.endRead(error);
    this.sessionEnded = true;
    this.writeClosed = true;
    this.transport.destroy();
  }

  private clearTimers(): void {
    if (this.closeTimer !== undefined) clearTimeout(this.closeTimer);
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    if (this.messageTimer !== undefined) clearTimeout(this.messageTimer);
    this.closeTimer = undefined;
    this.idleTimer = undefined;
    this.messageTimer = undefined;
  }
}

/** Everything needed to open a framed stream over a byte transport. */
export interface FramedStreamSetup<T> {
  transport: ByteTransport;
  framing: Framing<T>;
  /** `"client"` for outgoing connections, `"server"` for accepted ones. */
  role: Role;
  options?: StreamOptions;
  /** Bytes already read from the transport (for example after an HTTP upgrade), decoded first. */
  head?: Uint8Array;
}

/**
 * The MessageStream every byte-transport adapter returns. Adapters that need framing-specific commands
 * (WebSocket ping) reach the session through {@link FramedStream.session}.
 *
 * @example
 * ```ts
 * const stream = new FramedStream({ transport, framing: lengthPrefix(), role: "client" });
 * await stream.send(new Uint8Array([1, 2, 3]));
 * ```
 */
export class FramedStream<T> extends TransportStream<T> {
  /** The framing session; for adapters, not application code. */
  readonly session: FramingSession<T>;

  constructor(setup: FramedStreamSetup<T>) {
    const transport = new SessionTransport(setup);
    super(transport, setup.framing.name, setup.options);
    this.session = transport.session;
  }
}
