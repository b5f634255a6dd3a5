/**
 * The one error class every framing and transport throws or reports, with a stable `code`.
 */

/**
 * Stable error codes. Match on these, never on messages.
 *
 * - `MESSAGE_TOO_LARGE`: a message (declared or growing) passed `maxMessageSize`.
 * - `INVALID_FRAME`: bytes that cannot be a frame of this framing (bad header, bad varint…).
 * - `INVALID_UTF8`: text that is not valid UTF-8.
 * - `INVALID_MESSAGE`: a message the encoder refuses (for example a line containing its delimiter).
 * - `INVALID_JSON`: an NDJSON line that is not JSON.
 * - `TRUNCATED`: the byte stream ended inside a message.
 * - `PROTOCOL_ERROR`: the peer broke the framing's protocol rules.
 * - `POLICY_VIOLATION`: the peer broke a local policy (too many fragments…).
 * - `HANDSHAKE_FAILED`: an opening handshake was refused or malformed.
 * - `TIMEOUT`: a handshake, idle or close timeout expired.
 * - `CONNECT_FAILED`: a connection could not be opened (refused, unreachable).
 * - `CONNECTION_RESET`: the transport failed or was reset under us.
 * - `CLOSED`: the stream is closed; nothing more can be sent.
 * - `NOT_CONNECTED`: a reconnecting stream is between connections and the send asked not to be queued.
 * - `OUTBOX_FULL`: a reconnecting stream's outbox is at its bound and its policy is to refuse the send.
 * - `INTERNAL_ERROR`: a failure inside framed or a plug-in (a compressor), not the peer's fault.
 */
export type FramedErrorCode =
  | "MESSAGE_TOO_LARGE"
  | "INVALID_FRAME"
  | "INVALID_UTF8"
  | "INVALID_MESSAGE"
  | "INVALID_JSON"
  | "TRUNCATED"
  | "PROTOCOL_ERROR"
  | "POLICY_VIOLATION"
  | "HANDSHAKE_FAILED"
  | "TIMEOUT"
  | "CONNECT_FAILED"
  | "CONNECTION_RESET"
  | "CLOSED"
  | "NOT_CONNECTED"
  | "OUTBOX_FULL"
  | "INTERNAL_ERROR";

/** Extra facts an error may carry. */
export interface FramedErrorDetails {
  /** The close code sent to the peer, for framings that have one (WebSocket). */
  closeCode?: number;
  /** HTTP status of a refused handshake. */
  status?: number;
  /** 1-based message or line number the error is about, where the framing counts them. */
  messageNumber?: number;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * Marks every FramedError, from whichever copy of this module made it. `Symbol.for` is one symbol per
 * process, so an error from the CommonJS build is recognised by the ESM build and the other way round.
 */
const FRAMED_ERROR = Symbol.for("@framed/core:FramedError");

/**
 * Raised or reported for bad input, refused messages and broken transports.
 *
 * `instanceof FramedError` and {@link isFramedError} hold for a FramedError made by any copy of
 * `@framed/core` in the process (its ESM and CommonJS builds, two bundles), so a handler written against
 * one entry recognises errors from another.
 *
 * @example
 * ```ts
 * try {
 *   for await (const message of stream) handle(message);
 * } catch (error) {
 *   if (error instanceof FramedError && error.code === "MESSAGE_TOO_LARGE") log(error.message);
 * }
 * ```
 */
export class FramedError extends Error {
  override readonly name = "FramedError";
  readonly code: FramedErrorCode;
  readonly closeCode?: number;
  readonly status?: number;
  readonly messageNumber?: number;
  /** The brand {@link FramedError}'s `instanceof` checks, shared by every copy of this class. */
  readonly [FRAMED_ERROR] = true;

  static override [Symbol.hasInstance](value: unknown): boolean {
    // A subclass keeps the ordinary prototype check; FramedError itself accepts any copy's errors.
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class `instanceof` was asked about, maybe a subclass.
    if (this !== FramedError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return (
      typeof value === "object" && value !== null && (value as { [FRAMED_ERROR]?: unknown })[FRAMED_ERROR] === true
    );
  }

  constructor(code: FramedErrorCode, message: string, details: FramedErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    if (details.closeCode !== undefined) this.closeCode = details.closeCode;
    if (details.status !== undefined) this.status = details.status;
    if (details.messageNumber !== undefined) this.messageNumber = details.messageNumber;
  }
}

/** True when `value` is a {@link FramedError}, optionally with the given code. */
export function isFramedError(value: unknown, code?: FramedErrorCode): value is FramedError {
  return value instanceof FramedError && (code === undefined || value.code === code);
}

/** Wraps any thrown value from a transport into a `CONNECTION_RESET` FramedError (FramedErrors pass through). */
export function toTransportError(value: unknown): FramedError {
  if (value instanceof FramedError) return value;
  const detail = value instanceof Error ? value.message : String(value);
  return new FramedError("CONNECTION_RESET", `transport failed: ${detail}`, { cause: value });
}
