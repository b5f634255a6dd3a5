/**
 * The idle and message timers of one stream (`idleTimeout`, `messageTimeout`). A stream makes a clock
 * only when one of them is set, so a stream without timeouts carries none of this state.
 */
import { FramedError } from "./errors.ts";

/** What a clock reads from, and reports to, its stream. */
export interface ClockedStream {
  readonly framing: string;
  /** The stream is closed: a timer that fires late does nothing. */
  readonly isClosed: boolean;
  /** The peer is done sending (EOF, its close, or bad input already reported): no message is arriving. */
  readonly inputEnded: boolean;
  /** The transport is paused for our slow reader: silence then is not the peer's doing. */
  readonly isPaused: boolean;
  /** Part of a message has arrived and the rest has not. */
  readonly midMessage: boolean;
  /** The peer is gone or too slow: fail the stream with `error` and drop the connection. */
  timedOut(error: FramedError): void;
}

export class StreamClock {
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private lastDataAt = 0;
  private messageTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the message now arriving began (0: none is); `messagesAtStart` tells a later message from it. */
  private messageStartedAt = 0;
  private messagesAtStart = 0;
  /** Messages delivered so far: tells a message that began later from the one being timed. */
  private messagesDelivered = 0;

  constructor(
    private readonly stream: ClockedStream,
    private readonly idleTimeout: number,
    private readonly messageTimeout: number,
  ) {
    if (idleTimeout > 0) this.armIdleTimer(idleTimeout);
  }

  /** Bytes arrived and were decoded (after decoding, so a message that finished in them is not timed). */
  activity(): void {
    if (this.idleTimeout > 0) this.lastDataAt = Date.now();
    if (this.messageTimeout > 0) this.watchMessage();
  }

  /** The stream delivered a message. */
  messageDelivered(): void {
    this.messagesDelivered++;
  }

  /** The transport resumed after a pause: the peer could not send meanwhile, so both clocks restart. */
  resumed(): void {
    if (this.idleTimeout > 0) this.lastDataAt = Date.now();
    if (this.messageStartedAt !== 0) this.messageStartedAt = Date.now();
  }

  stop(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    if (this.messageTimer !== undefined) clearTimeout(this.messageTimer);
    this.idleTimer = undefined;
    this.messageTimer = undefined;
  }

  /** @internal */
  idleTimerFired(): void {
    const { stream } = this;
    if (stream.isClosed) return;
    // Silence while the transport is paused is our slow reader's backpressure, not an idle peer.
    if (stream.isPaused) {
      this.armIdleTimer(this.idleTimeout);
      return;
    }
    const idleFor = this.lastDataAt === 0 ? this.idleTimeout : Date.now() - this.lastDataAt;
    if (idleFor < this.idleTimeout) {
      this.armIdleTimer(this.idleTimeout - idleFor);
      return;
    }
    stream.timedOut(new FramedError("TIMEOUT", `${stream.framing} stream idle for ${this.idleTimeout} ms`));
  }

  /** @internal */
  messageTimerFired(): void {
    const { stream } = this;
    this.messageTimer = undefined;
    if (stream.isClosed || stream.inputEnded || this.messageStartedAt === 0) return;
    const elapsed = stream.isPaused ? 0 : Date.now() - this.messageStartedAt;
    if (elapsed < this.messageTimeout) {
      this.messageTimer = setTimeout(onMessageTimer, this.messageTimeout - elapsed, this);
      return;
    }
    stream.timedOut(
      new FramedError(
        "TIMEOUT",
        `${stream.framing} message still incomplete after ${this.messageTimeout} ms (messageTimeout): the peer sends too slowly`,
      ),
    );
  }

  private armIdleTimer(delay: number): void {
    this.idleTimer = setTimeout(onIdleTimer, delay, this);
  }

  /** Start, restart or stop timing the message now arriving. */
  private watchMessage(): void {
    const { stream } = this;
    if (!stream.midMessage) {
      this.messageStartedAt = 0;
      return;
    }
    // A message that began in this chunk (the previous one finished) gets its own clock.
    if (this.messageStartedAt === 0 || this.messagesDelivered !== this.messagesAtStart) {
      this.messageStartedAt = Date.now();
      this.messagesAtStart = this.messagesDelivered;
    }
    this.messageTimer ??= setTimeout(onMessageTimer, this.messageTimeout, this);
  }
}

// Module functions with the clock as argument: no closure per timer.
function onIdleTimer(clock: StreamClock): void {
  clock.idleTimerFired();
}

function onMessageTimer(clock: StreamClock): void {
  clock.messageTimerFired();
}
