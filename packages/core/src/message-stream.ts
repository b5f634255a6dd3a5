/**
 * `MessageStream<T>`: the one interface users hold, whatever the framing and runtime.
 */
import type { FramedError } from "./errors.ts";
import type { SharedEncoding } from "./framing.ts";

/** Why and how a stream closed; the value of {@link MessageStream.closed}. */
export interface CloseInfo {
  /** `"local"`: we called `close()`; `"remote"`: the peer closed or ended; `"error"`: bad input, a timeout or a transport failure. */
  initiator: "local" | "remote" | "error";
  /** The framing's close code (WebSocket), when there is one. */
  code?: number;
  /** The framing's close reason (WebSocket), when there is one. */
  reason?: string;
  /** Set when `initiator` is `"error"`. */
  error?: FramedError;
}

/** Arguments to {@link MessageStream.close}. */
export interface CloseOptions {
  /** The framing's close code (WebSocket: 1000 by default). Ignored by framings without one. */
  code?: number;
  /** The framing's close reason (WebSocket). */
  reason?: string;
}

/**
 * A connection that carries whole messages.
 *
 * @example
 * ```ts
 * for await (const message of stream) {
 *   await stream.send(message); // echo; waits while the peer is slow
 * }
 * const { initiator, error } = await stream.closed;
 * ```
 */
export interface MessageStream<T> extends AsyncIterable<T> {
  /** The framing's name (`"websocket"`, `"length-prefix"`, `"newline"`). */
  readonly framing: string;
  /**
   * Send one message. Resolves at once while the transport has room and waits while it is full.
   * Rejects with `FramedError` `CLOSED` after close, or with the framing's error for a message it cannot encode.
   */
  send(message: T): Promise<void>;
  /**
   * Close gracefully: queued writes are flushed, the framing's close handshake (if any) is completed,
   * then the transport is closed. Resolves with the same value as {@link closed}.
   */
  close(options?: CloseOptions): Promise<CloseInfo>;
  /** Tear the connection down now, without flushing or a close handshake. */
  abort(reason?: unknown): void;
  /** Resolves once the stream is fully closed, with why. Never rejects. */
  readonly closed: Promise<CloseInfo>;
  /**
   * Call `handler` with each message, in order, one at a time: when it returns a promise, the next message
   * waits for it (backpressure, as in a `for await` loop). Resolves once the peer is done sending; rejects
   * with the stream's error (bad input, a reset, a timeout) after the messages before it. When `handler`
   * throws or rejects, the stream is closed, as leaving a `for await` loop closes it, and the promise rejects
   * with that error. A stream is read one way: `consume`, iteration or `readable`.
   *
   * Lighter than `for await` for servers that hold many connections: no suspended async function per
   * idle connection, and no promise per message while `handler` returns nothing or the promise of a
   * `send` that went out at once. (Not named `forEach`: linters flag a `forEach` callback that returns a
   * value, and returning `send`'s promise is how a handler gets backpressure.)
   *
   * @example
   * ```ts
   * await listen({ port: 9000 }, (stream) => stream.consume((message) => stream.send(message)));
   * ```
   */
  consume(handler: (message: T) => unknown): Promise<void>;
  /** A WHATWG view of incoming messages (shares the queue with async iteration: use one or the other). */
  readonly readable: ReadableStream<T>;
  /** A WHATWG view for sending; closing it closes the stream. */
  readonly writable: WritableStream<T>;
  /**
   * Subscribe to non-fatal problems the framing recovered from (for example a skipped oversized message).
   * Returns an unsubscribe function.
   */
  onWarning(listener: (error: FramedError) => void): () => void;
  /**
   * Optional, for fan-out: the encoder whose bytes {@link sendEncoded} writes (see `SharedEncoding`).
   * Undefined when this stream's framing session cannot share its encoding; send messages then.
   */
  readonly sharedEncoding?: SharedEncoding<T>;
  /**
   * Optional, for fan-out: write bytes `sharedEncoding.encode` made, in order with `send`. Returns null when
   * they went out and the stream still has room (no promise is made: a fan-out writes to thousands of
   * streams), or a promise that resolves once it has room again (rejects if it closes first). Throws a
   * `FramedError` `CLOSED` at once when the stream can no longer send.
   *
   * @example
   * ```ts
   * const encoding = stream.sharedEncoding;
   * const wait = encoding ? stream.sendEncoded?.(encoding.encode(message)) : await stream.send(message);
   * if (wait) await wait;
   * ```
   */
  sendEncoded?(bytes: Uint8Array): Promise<void> | null;
}

/** A stream's state as {@link FramedStream.readyState} reports it (the WebSocket API's four, as words). */
export type ReadyState = "connecting" | "open" | "closing" | "closed";

/**
 * The stream every framed adapter returns: a {@link MessageStream} over one connection, with its state and
 * write buffer in view.
 *
 * @example
 * ```ts
 * if (stream.readyState === "open" && stream.bufferedAmount < 64 * 1024) await stream.send(snapshot());
 * ```
 */
export interface FramedStream<T> extends MessageStream<T> {
  /**
   * Where the stream is, synchronously: `"open"`; `"closing"` once either side began to close (replies to
   * messages already received may still be sent when the peer closed first); `"closed"` once the transport is
   * gone. (`"connecting"` is only ever seen on a stream made around a socket that is still opening.)
   */
  readonly readyState: ReadyState;
  /**
   * Bytes accepted by `send` and not yet handed to the operating system (the browser's own `bufferedAmount`
   * for a native WebSocket). `send` starts waiting once this reaches `writableHighWaterMark`.
   */
  readonly bufferedAmount: number;
  /** Bytes held by received messages waiting for the reader (bounded by `readableHighWaterMark`). */
  readonly readableBytes: number;
  /** See {@link MessageStream.sendEncoded}; throws `INVALID_MESSAGE` when `sharedEncoding` is undefined. */
  sendEncoded(bytes: Uint8Array): Promise<void> | null;
}

/** Options every `connect`/`listen`/`wrap` accepts, next to the framing's own. */
export interface StreamOptions {
  /**
   * Bytes of decoded messages held for a slow reader before the transport is paused; it resumes once they
   * are down to half. The message that crosses the mark is still queued, so the queue can hold up to
   * `readableHighWaterMark + maxMessageSize` bytes (plus the rest of the chunk being decoded when it
   * crossed). A string counts its length; a value that is neither bytes nor a string (NDJSON) counts the
   * length of the text it was parsed from. Default 1 MiB. (Before 0.2 this counted messages.)
   */
  readableHighWaterMark?: number;
  /** Bytes buffered for a slow peer before `send` starts waiting. Default 1 MiB. */
  writableHighWaterMark?: number;
  /** Milliseconds a graceful close waits for the peer before tearing down. Default 5000. */
  closeTimeout?: number;
  /**
   * Milliseconds without any received byte after which the stream fails with `TIMEOUT`. Time the transport is
   * paused for a slow reader does not count. Default: none.
   */
  idleTimeout?: number;
  /**
   * Milliseconds a message may take from its first byte to its last. A peer that trickles a message (or
   * just a header) slower fails with `TIMEOUT`, however often it sends a byte: the slowloris that
   * `idleTimeout` cannot see. Time paused for a slow reader does not count. Only framings whose session
   * reports `midMessage` are timed (all of framed's own over byte transports). Default: none.
   */
  messageTimeout?: number;
}
