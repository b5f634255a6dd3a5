/**
 * Close codes (RFC 6455 §7.4): which codes may appear on the wire, the close frame payload, and the one
 * table that turns an error into the code we close with.
 */
import { FramedError, type FramedErrorCode } from "@framed/core";
import { decodeUtf8 } from "./utf8.ts";

/** Close codes with a meaning in RFC 6455 §7.4.1 (and the IANA registry). */
export const CloseCode = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  PROTOCOL_ERROR: 1002,
  UNSUPPORTED_DATA: 1003,
  /** Reported when a close frame carried no code; never sent. */
  NO_STATUS: 1005,
  /** Reported when the connection dropped without a close frame; never sent. */
  ABNORMAL: 1006,
  INVALID_PAYLOAD: 1007,
  POLICY_VIOLATION: 1008,
  MESSAGE_TOO_BIG: 1009,
  MANDATORY_EXTENSION: 1010,
  INTERNAL_ERROR: 1011,
  /** TLS handshake failure; never sent. */
  TLS_HANDSHAKE: 1015,
} as const;

/** Largest close reason: a control payload is at most 125 bytes, 2 of which are the code. */
export const MAX_CLOSE_REASON_BYTES = 123;

/**
 * True for codes an endpoint may put in a close frame: 1000–1003, 1007–1014 (assigned by IANA),
 * 3000–4999 (libraries and applications). 1004–1006 and 1015 are reserved, the rest unassigned.
 * The same set is accepted from the peer; anything else is a protocol error (1002).
 */
export function isSendableCloseCode(code: number): boolean {
  return (
    Number.isInteger(code) &&
    ((code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999))
  );
}

/**
 * The one error → close code table (like Python websockets' single mapping): framing and protocol
 * violations 1002, bad UTF-8 1007, policy 1008, too big 1009, anything else (a failed compressor…) 1011.
 */
const CLOSE_CODE_BY_ERROR: Partial<Record<FramedErrorCode, number>> = {
  INVALID_FRAME: CloseCode.PROTOCOL_ERROR,
  PROTOCOL_ERROR: CloseCode.PROTOCOL_ERROR,
  INVALID_UTF8: CloseCode.INVALID_PAYLOAD,
  POLICY_VIOLATION: CloseCode.POLICY_VIOLATION,
  MESSAGE_TOO_LARGE: CloseCode.MESSAGE_TOO_BIG,
};

/** The close code a session sends when it fails with an error of this code. */
export function closeCodeFor(code: FramedErrorCode): number {
  return CLOSE_CODE_BY_ERROR[code] ?? CloseCode.INTERNAL_ERROR;
}

/** A FramedError whose `closeCode` is the code the session closes with for it. */
export function protocolError(code: FramedErrorCode, message: string, cause?: unknown): FramedError {
  return new FramedError(code, message, { closeCode: closeCodeFor(code), cause });
}

const encoder = new TextEncoder();

/**
 * The payload of a close frame: the code (big-endian) then the UTF-8 reason.
 *
 * ```text
 * +--------+--------+------------------------+
 * | code (uint16 BE)|  reason, ≤ 123 bytes   |
 * +--------+--------+------------------------+
 * ```
 */
export function encodeClosePayload(code: number, reason: string): Uint8Array {
  const reasonBytes = encoder.encode(reason);
  const payload = new Uint8Array(2 + reasonBytes.length);
  payload[0] = code >>> 8;
  payload[1] = code & 0xff;
  payload.set(reasonBytes, 2);
  return payload;
}

/**
 * Check a code and reason the user wants to close with; throws RangeError for an unsendable code or an
 * over-long reason.
 */
export function checkCloseArguments(code: number, reason: string): void {
  if (!isSendableCloseCode(code)) {
    throw new RangeError(
      `close code ${code} cannot be sent: use 1000–1003, 1007–1014 or 3000–4999 (1005, 1006 and 1015 are reserved)`,
    );
  }
  const size = encoder.encode(reason).length;
  if (size > MAX_CLOSE_REASON_BYTES) {
    throw new RangeError(`close reason is ${size} bytes of UTF-8; at most ${MAX_CLOSE_REASON_BYTES} fit a close frame`);
  }
}

/**
 * Cut `text` to at most `maxBytes` bytes of UTF-8 without splitting a character, for close reasons we
 * compose from error messages.
 */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (text.length <= maxBytes / 3) return text;
  const bytes = encoder.encode(text);
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return new TextDecoder().decode(bytes.subarray(0, end));
}

/**
 * The code and reason of a received close frame's payload (1005, "" when it has none), or the protocol error
 * to fail with: a code that is never sent on the wire, or a reason that is not UTF-8.
 */
export function decodeClosePayload(payload: Uint8Array): { code: number; reason: string } | FramedError {
  if (payload.length < 2) return { code: CloseCode.NO_STATUS, reason: "" };
  const code = (payload[0] << 8) | payload[1];
  if (!isSendableCloseCode(code))
    return protocolError("PROTOCOL_ERROR", `the peer closed with code ${code}, which is not allowed on the wire`);
  const reason = decodeUtf8(payload.subarray(2));
  if (reason === null) return protocolError("INVALID_UTF8", "the peer's close reason is not valid UTF-8");
  return { code, reason };
}

/**
 * The protocol error for a data frame out of order (RFC 6455 §5.4), or null: a continuation with no
 * fragmented message to continue or with RSV1 set, or a new message before the fragmented one ended.
 */
export function dataFrameOrderError(continuation: boolean, rsv1: boolean, inMessage: boolean): FramedError | null {
  if (!continuation)
    return inMessage
      ? protocolError("PROTOCOL_ERROR", "a new data frame arrived before the fragmented message ended")
      : null;
  if (!inMessage)
    return protocolError("PROTOCOL_ERROR", "a continuation frame arrived with no fragmented message to continue");
  if (rsv1)
    return protocolError(
      "PROTOCOL_ERROR",
      "RSV1 is set on a continuation frame; only a compressed message's first frame has it",
    );
  return null;
}
