/**
 * `FramedStream`: the MessageStream implementation that joins a ByteTransport to a FramingSession.
 *
 * Bytes flow up (transport.data → session.receive → sink.message → queue → reader) and down
 * (send → session.send → sink.write → transport.write). This file owns backpressure both ways,
 * the close sequence and the one place where an outcome is decided.
 */
import { FramedError, toTransportError } from "./errors.ts";
import type { Framing, FramingSession, Role, SessionEnd, SessionSink } from "./framing.ts";
import type { CloseInfo, CloseOptions, MessageStream, StreamOptions } from "./message-stream.ts";
import type { ByteTransport } from "./transport.ts";

/** Everything needed to open a stream over a transport. */
export interface FramedStreamSetup<T> {
  transport: ByteTransport;
  framing: Framing<T>;
  /** Default `"client"` for outgoing connections; adapters pass `"server"` for accepted ones. */
  role: Role;
  options?: StreamOptions;
  /** Bytes already read from the transport (for example after an HTTP upgrade), decoded first. */
  head?: Uint8Array;
}

const RESOLVED: Promise<void> = Promise.resolve();
const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

interface Waiter<V> {
  resolve(value: V): void;
  reject(error: unknown): void;
}

/**
 * The MessageStream every runtime adapter returns. Adapters that need framing-specific commands
 * (WebSocket ping) reach the session through {@link FramedStream.session}.
 *
 * @example
 * ```ts
 * const stream = new FramedStream({ transport, framing: lengthPrefix(), role: "client" });
 * await stream.send(new Uint8Array([1, 2, 3]));
 * ```
 */
export class FramedStream<T> implements MessageStream<T> {
  readonly framing: string;
  /** The framing session; for adapters, not application code. */
  readonly session: FramingSession<T>;
  readonly closed: Promise<CloseInfo>;

  private readonly transport: ByteTransport;
  private readonly readableHighWaterMark: number;
  private readonly closeTimeout: number;
  private readonly idleTimeout: number;

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
  private warningListeners: Set<(error: FramedError) => void> | undefined;
  private readableView: ReadableStream<T> | undefined;
  private writableView: WritableStream<T> | undefined;

  constructor(setup: FramedStreamSetup<T>) {
    const options = setup.options ?? {};
    this.framing = setup.framing.name;
    this.transport = setup.transport;
    this.readableHighWaterMark = Math.max(1, options.readableHighWaterMark ?? 1024);
    this.closeTimeout = options.closeTimeout ?? 5000;
    this.idleTimeout = options.idleTimeout ?? 0;
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    this.session = setup.framing.open(this.createSink(), { role: setup.role });
    this.transport.start({
      data: (chunk) => this.onData(chunk),
      end: () => this.onEnd(),
      drain: () => this.onDrain(),
      close: (error) => this.onTransportClose(error),
    });
    if (this.idleTimeout > 0) this.armIdleTimer(this.idleTimeout);
    if (setup.head && setup.head.length > 0) this.onData(setup.head);
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
      this.session.send(message);
    } catch (error) {
      return Promise.reject(error);
    }
    if (!this.writeBlocked) return RESOLVED;
    return new Promise((resolve, reject) => this.drainWaiters.push({ resolve, reject }));
  }

  close(options: CloseOptions = {}): Promise<CloseInfo> {
    if (this.state !== "open") return this.closed;
    let awaitPeer = false;
    if (!this.sessionEnded) {
      try {
        awaitPeer = this.session.close(options.code, options.reason);
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

  // ---- session sink -------------------------------------------------------------------------

  private createSink(): SessionSink<T> {
    return {
      message: (message) => this.deliver(message),
      write: (bytes) => {
        if (this.state === "closed") return;
        if (!this.transport.write(bytes)) this.writeBlocked = true;
      },
      warn: (error) => {
        if (this.warningListeners) for (const listener of this.warningListeners) listener(error);
      },
      end: (outcome) => this.onSessionEnd(outcome),
    };
  }

  private deliver(message: T): void {
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
    if (!this.iterationStarted) this.observeReadEnd();
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

  // ---- transport events ---------------------------------------------------------------------

  private onData(chunk: Uint8Array): void {
    if (this.idleTimeout > 0) this.lastDataAt = Date.now();
    if (!this.sessionEnded) this.session.receive(chunk);
  }

  private onEnd(): void {
    if (this.sessionEnded) return;
    this.session.receiveEnd();
    // A session must end at EOF; if one forgets, the stream still must not hang.
    if (!this.sessionEnded) this.onSessionEnd({});
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
        this.onEnd();
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
      const idleFor = this.lastDataAt === 0 ? this.idleTimeout : Date.now() - this.lastDataAt;
      if (this.state === "closed") return;
      if (idleFor < this.idleTimeout) {
        this.armIdleTimer(this.idleTimeout - idleFor);
        return;
      }
      const error = new FramedError("TIMEOUT", `${this.framing} stream idle for ${this.idleTimeout} ms`);
      this.decide({ initiator: "error", error });
      this.endRead(error);
      this.sessionEnded = true;
      this.writeClosed = true;
      this.transport.destroy();
    }, delay);
  }

  private clearTimers(): void {
    if (this.closeTimer !== undefined) clearTimeout(this.closeTimer);
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.closeTimer = undefined;
    this.idleTimer = undefined;
  }
}
