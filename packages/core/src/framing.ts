/**
 * The sans-I/O framing contract: the one shape every framing (WebSocket, length prefix, newline) implements.
 *
 * A session turns bytes into messages and messages into bytes, synchronously, with no sockets,
 * timers or runtime globals. Everything it produces goes out through its {@link SessionSink}.
 */
import type { FramedError } from "./errors.ts";
import type { WriteSlab } from "./write-slab.ts";

/** Which end of a connection a session is. Only framings with asymmetric rules (WebSocket masking) care. */
export type Role = "client" | "server";

/** How a session ended, as reported through {@link SessionSink.end}. */
export interface SessionEnd {
  /** Set when bad input or a refused frame ended the session. */
  error?: FramedError;
  /** The framing's close code (WebSocket), when there is one. */
  code?: number;
  /** The framing's close reason (WebSocket), when there is one. */
  reason?: string;
}

/**
 * Where a session sends what it produces. `Connection` implements it; tests can collect into arrays.
 *
 * Calls happen synchronously inside `receive`, `receiveEnd`, `send` and `close`.
 */
export interface SessionSink<T> {
  /**
   * A whole message was decoded. `size`, for a message that is neither bytes nor a string (a parsed JSON
   * value): the bytes it came from, which the stream counts against `readableHighWaterMark`.
   */
  message(message: T, size?: number): void;
  /** Bytes to write to the peer, in order (a frame header, a payload, a pong, a close reply). */
  write(bytes: Uint8Array): void;
  /**
   * Like `write`, for the `size` bytes the session just wrote in place into `slab` (`slab.reserve`,
   * `slab.bytes`): no view per frame, and a tick's frames leave as one write. Call it through
   * `slab.send(sink, size)`, which falls back to `write` for a sink without it (a hand-written test sink).
   */
  writeSlab?(slab: WriteSlab, size: number): void;
  /** Input was refused but the session recovered and stays in sync (for example an oversized message skipped). */
  warn(error: FramedError): void;
  /**
   * The input side is over: bad input (with `error`), the peer's close (with its code), or the end of input.
   * Called at most once; no message or warning is reported after it, and further input is ignored.
   * Messages reported before it stay valid, and `send` keeps working (replies to those messages) until
   * the framing's own close was sent.
   */
  end(outcome: SessionEnd): void;
}

/** What a framing needs to know to open a session. */
export interface SessionContext {
  role: Role;
}

/**
 * One connection's framing state machine.
 *
 * @example
 * ```ts
 * const session = framing.open(sink, { role: "client" });
 * session.send(message);      // sink.write(...) receives the encoded bytes
 * session.receive(chunk);     // sink.message(...) receives each decoded message
 * session.receiveEnd();       // EOF: a partial message becomes sink.end({ error: TRUNCATED })
 * ```
 */
export interface FramingSession<T> {
  /**
   * Consume bytes from the peer. Never throws for bad input: it reports through `sink.end({ error })`.
   * The session owns `chunk`: transports never reuse or change it afterwards, so the session may keep
   * views of it and may even modify it in place (WebSocket unmasking).
   */
  receive(chunk: Uint8Array): void;
  /** The peer's byte stream ended (EOF). */
  receiveEnd(): void;
  /**
   * Encode one message; its bytes come out through `sink.write` before this returns.
   * Throws a `FramedError` (code `INVALID_MESSAGE`, `MESSAGE_TOO_LARGE` or `CLOSED`) when the message cannot be sent.
   * A session that hands messages to a runtime which frames them itself (a native WebSocket) writes no bytes:
   * it returns false when that runtime's buffer is full, and its transport reports `drained` later.
   */
  send(message: T): void | boolean;
  /**
   * Start a graceful close: write the framing's close bytes, if it has any.
   * Returns true when the peer is expected to answer (a WebSocket close handshake), false when the
   * transport can be closed as soon as the writes are flushed.
   */
  close(code?: number, reason?: string): boolean;
  /**
   * The write side is about to end (the reader saw the end, or the stream closes): write what the framing
   * still owes the peer. A WebSocket session that failed on bad input sends its error close frame here, not
   * when the bad frame arrived, so replies to the messages decoded before it go out first. Optional.
   */
  endOutput?(): void;
  /**
   * Send something the peer must answer (a WebSocket ping): the connection's keep-alive calls it after a
   * quiet interval. Throws a `FramedError` `CLOSED` once the session is closing. Optional: without it a
   * framing cannot keep connections alive.
   */
  ping?(): void;
  /**
   * True while part of a message has arrived and the rest has not: a header, a body, a line without its
   * delimiter, a fragmented WebSocket message. The stream's `messageTimeout` uses it to drop a peer that
   * trickles a message; a session without it is never timed.
   */
  readonly midMessage?: boolean;
  /**
   * True when `sink.message` is only ever called from the runtime's own per-message callback (Bun's `message`
   * handler), never from a decode loop of ours: a `consume` handler may then run inside that call, with no
   * queue or microtask in between, so its reply lands where the runtime's own echo would (uWebSockets' cork).
   * A session that decodes bytes must leave it unset: its handlers run a microtask later, outside the loop.
   */
  readonly deliversOneByOne?: boolean;
  /**
   * Optional, for fan-out (encode once, write to many): an encoder whose bytes this session writes as they
   * are, as `send` would have. Absent or undefined when this session's bytes depend on its own state (a
   * client's masks, permessage-deflate with context takeover); then every message goes through `send`.
   */
  readonly sharedEncoding?: SharedEncoding<T>;
  /**
   * Write bytes `sharedEncoding.encode` made, in order with `send`. Present whenever `sharedEncoding` is.
   * Throws a `FramedError` `CLOSED` when `send` would.
   */
  sendEncoded?(bytes: Uint8Array): void;
}

/**
 * Encode a message once into bytes valid on every session whose encoding has the same `key`: a WebSocket
 * server frame (unmasked), a length-prefixed record, a line. A framing (framed's own or a third party's)
 * opts in by giving its sessions a {@link FramingSession.sharedEncoding}; a fan-out encodes once per
 * distinct key and hands the bytes to each session's `sendEncoded`.
 *
 * @example
 * ```ts
 * const encoding = session.sharedEncoding;
 * if (encoding) {
 *   const bytes = encoding.encode(message); // once…
 *   for (const other of sameKeySessions) other.sendEncoded?.(bytes); // …written to many
 * } else session.send(message);
 * ```
 */
export interface SharedEncoding<T> {
  /**
   * Equal keys mean identical bytes for every message: name everything the bytes depend on (the framing,
   * its header or delimiter, compression settings), e.g. `"length-prefix:uint32be"`.
   */
  readonly key: string;
  /**
   * The message's bytes, exactly as `send` would write them, in a new array the caller may keep.
   * Throws what `send` throws for a message it refuses.
   */
  encode(message: T): Uint8Array;
}

/**
 * A framing chosen by value: `connect(address, framing)`. Create sessions, one per connection.
 *
 * @example
 * ```ts
 * const stream = await connect({ host: "127.0.0.1", port: 9000 }, lengthPrefix({ header: "varint" }));
 * ```
 */
export interface Framing<T> {
  /** A short name for logs and errors: `"websocket"`, `"length-prefix"`, `"newline"`. */
  readonly name: string;
  /** Start a session for one connection. */
  open(sink: SessionSink<T>, context: SessionContext): FramingSession<T>;
}

/** The message type of a framing. */
export type MessageOf<F> = F extends Framing<infer T> ? T : never;
