/**
 * Every deadline of one connection on one timer: idle, a message arriving too slowly, the close handshake, and
 * keep-alive (ping when quiet, give up when the ping goes unanswered). A connection makes its clock only when
 * one of them is set or when it starts closing, so an idle connection without timeouts carries none of this.
 * Time comes from {@link Timers}, so tests can drive it.
 */

import * as key from "./connection-keys.ts";
import { type ConnectionOptions, DEFAULT_CLOSE_TIMEOUT } from "./connection-setup.ts";
import { FramedError } from "./errors.ts";
import { systemTimers, type Timers } from "./timers.ts";

/** The deadlines a clock keeps, in milliseconds (0 or absent: none), and where it reads the time. */
export type ClockSettings = Pick<
  ConnectionOptions,
  "idleTimeout" | "messageTimeout" | "closeTimeout" | "keepAlive" | "timers"
>;

/** What a clock reads from, and reports to, its connection. */
export interface ClockOwner {
  readonly framing: string;
  /** Reading is paused for our slow reader: silence then is not the peer's doing. */
  readonly [key.readingPaused]: boolean;
  /** The peer is done sending (EOF, its close, or bad input): no message is arriving. */
  readonly [key.inputEnded]: boolean;
  /** Part of a message has arrived and the rest has not. */
  readonly [key.midMessage]: boolean;
  /** The peer is gone or too slow: fail with `error` and drop the connection. */
  [key.timedOut](error: FramedError): void;
  /** The close handshake did not finish in time: drop the connection, reporting `error` as the outcome. */
  [key.closeTimedOut](error: FramedError): void;
  /** Send something the peer must answer (a WebSocket ping). Throws once the connection is closing. */
  [key.keepAlivePing](): void;
}

export class ConnectionClock {
  readonly #owner: ClockOwner;
  readonly #settings: ClockSettings;
  readonly #timers: Timers;
  readonly #fire = () => this.#check();
  #timer: unknown;
  /** When the armed timer fires (0: none armed). */
  #timerAt = 0;
  /** When the last byte arrived (or reading resumed: silence while paused does not count). */
  #heardAt: number;
  /** When the message now arriving began (-1: none is); `#messagesAtStart` tells a later message from it. */
  #messageStartedAt = -1;
  #messagesAtStart = 0;
  #messagesDelivered = 0;
  #closeBy = 0;
  #pingSentAt = 0;
  /** Keep-alive gave up pinging: the connection is closing (its close deadline governs) or cannot ping. */
  #pingRefused = false;
  #stopped = false;

  constructor(owner: ClockOwner, settings: ClockSettings) {
    this.#owner = owner;
    this.#settings = settings;
    this.#timers = settings.timers ?? systemTimers;
    this.#heardAt = this.#timers.now();
    this.#arm();
  }

  /** Bytes arrived and were decoded (after decoding, so a message that finished in them is not timed). */
  heard(): void {
    this.#heardAt = this.#timers.now();
    if (this.#settings.messageTimeout) this.#watchMessage();
  }

  /**
   * A message was delivered. `heard`: it came from a runtime that frames by itself, which reports no bytes, so
   * the message is the sign of life; decoded messages are not, as `heard()` follows their chunk.
   */
  messageDelivered(heard: boolean): void {
    this.#messagesDelivered++;
    if (heard) this.#heardAt = this.#timers.now();
  }

  /** Reading resumed after a pause: the peer could not send meanwhile, so its clocks restart. */
  resumed(): void {
    this.#heardAt = this.#timers.now();
    if (this.#messageStartedAt >= 0) this.#messageStartedAt = this.#heardAt;
  }

  /** A graceful close began: the peer has `closeTimeout` ms to finish it. */
  closing(): void {
    if (this.#closeBy !== 0 || this.#stopped) return;
    this.#closeBy = this.#timers.now() + this.#closeTimeout();
    this.#arm();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timerAt !== 0) this.#timers.clearTimeout(this.#timer);
    this.#timerAt = 0;
  }

  /** Start, restart or stop timing the message now arriving. */
  #watchMessage(): void {
    if (!this.#owner[key.midMessage]) {
      this.#messageStartedAt = -1;
      return;
    }
    // A message that began in this chunk (the previous one finished) gets its own clock.
    if (this.#messageStartedAt < 0 || this.#messagesDelivered !== this.#messagesAtStart) {
      this.#messageStartedAt = this.#heardAt;
      this.#messagesAtStart = this.#messagesDelivered;
      this.#arm();
    }
  }

  /** The earliest deadline now set (0: none). Activity only moves deadlines later, so it never re-arms. */
  #nextDeadline(): number {
    const { idleTimeout, messageTimeout, keepAlive } = this.#settings;
    let next = this.#closeBy;
    if (!this.#owner[key.inputEnded]) {
      if (idleTimeout) next = earliest(next, this.#heardAt + idleTimeout);
      if (messageTimeout && this.#messageStartedAt >= 0) next = earliest(next, this.#messageStartedAt + messageTimeout);
      if (keepAlive && !this.#pingRefused) {
        const ping = this.#pingSentAt !== 0 ? this.#pingSentAt + keepAlive.timeout : this.#heardAt + keepAlive.interval;
        next = earliest(next, ping);
      }
    }
    return next;
  }

  #arm(): void {
    if (this.#stopped) return;
    const at = this.#nextDeadline();
    if (at === 0 || (this.#timerAt !== 0 && this.#timerAt <= at)) return;
    if (this.#timerAt !== 0) this.#timers.clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = this.#timers.setTimeout(this.#fire, Math.max(1, at - this.#timers.now()));
  }

  #check(): void {
    this.#timerAt = 0;
    if (this.#stopped) return;
    const owner = this.#owner;
    const now = this.#timers.now();
    if (this.#closeBy !== 0 && now >= this.#closeBy) {
      this.stop();
      owner[key.closeTimedOut](
        new FramedError("TIMEOUT", `${owner.framing} close did not complete within ${this.#closeTimeout()} ms`),
      );
      return;
    }
    if (!owner[key.inputEnded]) {
      // Silence while reading is paused is our slow reader's backpressure, not an idle or slow peer.
      if (owner[key.readingPaused]) this.resumed();
      const failure = this.#expired(now);
      if (failure) {
        this.stop();
        owner[key.timedOut](failure);
        return;
      }
    }
    this.#arm();
  }

  #closeTimeout(): number {
    return this.#settings.closeTimeout ?? DEFAULT_CLOSE_TIMEOUT;
  }

  /** The deadline among idle, message and keep-alive that has passed at `now`, as the error to fail with. */
  #expired(now: number): FramedError | undefined {
    const { idleTimeout, messageTimeout, keepAlive } = this.#settings;
    const framing = this.#owner.framing;
    if (idleTimeout && now - this.#heardAt >= idleTimeout)
      return new FramedError("TIMEOUT", `${framing} stream idle for ${idleTimeout} ms`);
    if (messageTimeout && this.#messageStartedAt >= 0 && now - this.#messageStartedAt >= messageTimeout) {
      return new FramedError(
        "TIMEOUT",
        `${framing} message still incomplete after ${messageTimeout} ms (messageTimeout): the peer sends too slowly`,
      );
    }
    if (!keepAlive || this.#pingRefused) return undefined;
    if (this.#pingSentAt !== 0) {
      if (this.#heardAt >= this.#pingSentAt) this.#pingSentAt = 0;
      else if (now - this.#pingSentAt >= keepAlive.timeout)
        return new FramedError(
          "TIMEOUT",
          `no reply to a keep-alive ping within ${keepAlive.timeout} ms: connection is dead`,
        );
    }
    if (this.#pingSentAt === 0 && now - this.#heardAt >= keepAlive.interval) {
      try {
        this.#owner[key.keepAlivePing]();
        this.#pingSentAt = now;
      } catch {
        // The connection is closing (its close deadline takes over) or its session cannot ping: stop pinging.
        this.#pingRefused = true;
      }
    }
    return undefined;
  }
}

/** The earlier of `next` and `at`, where a `next` of 0 is no deadline yet. */
function earliest(next: number, at: number): number {
  return next === 0 || at < next ? at : next;
}
