/**
 * `MessageTransport<T>`: what a MessageStream sits on. Usually a byte transport plus a framing session
 * (SessionTransport); for runtimes that already frame (the browser's WebSocket), the runtime itself.
 */
import type { FramedError } from "./errors.ts";
import type { SessionEnd, SharedEncoding } from "./framing.ts";

/** Callbacks a message transport calls once started. */
export interface MessageTransportEvents<T> {
  /** A whole message arrived; `size`: its size in bytes, when the framing knows it (see `SessionSink.message`). */
  message(message: T, size?: number): void;
  /** Bytes (or a frame) arrived and were decoded; resets idle timers even when no message completes. */
  activity(): void;
  /** A recovered problem (an oversized message skipped). */
  warn(error: FramedError): void;
  /** The peer is done sending: EOF, its close handshake, or bad input (`error`). Called at most once. */
  end(outcome: SessionEnd): void;
  /** Room again after `send` returned false. */
  drain(): void;
  /** Fully closed; `error` is set when the connection failed under us. Called once. */
  close(error?: unknown): void;
}

/** A connection that moves whole messages. */
export interface MessageTransport<T> {
  start(events: MessageTransportEvents<T>): void;
  /** Queue one message. Returns false when full. Throws a FramedError for a message it cannot send. */
  send(message: T): boolean;
  /** Begin a graceful close; true when the peer's reply is awaited (then `end` follows). */
  close(code?: number, reason?: string): boolean;
  /** Flush, then close our sending side; `close` follows once the connection is done. */
  end(): void;
  /** Close now. */
  destroy(error?: unknown): void;
  pause(): void;
  resume(): void;
  readonly writable: boolean;
  /** Bytes accepted by `send` and not yet handed to the operating system; absent: unknown (counted as 0). */
  readonly bufferedAmount?: number;
  /** A message has started arriving and not finished (see `FramingSession.midMessage`); absent: never timed. */
  readonly midMessage?: boolean;
  /** See `FramingSession.sharedEncoding`: absent when messages must go through `send`. */
  readonly sharedEncoding?: SharedEncoding<T>;
  /** Queue bytes `sharedEncoding` made, in order with `send`. Returns false when full. */
  sendEncoded?(bytes: Uint8Array): boolean;
}
