/**
 * The RFC 6455 §5.2 frame header: its bit layout, opcodes, and writing one into a byte array.
 *
 * ```text
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-------+-+-------------+-------------------------------+
 * |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
 * |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
 * |N|V|V|V|       |S|             |   (if payload len==126/127)   |
 * | |1|2|3|       |K|             |                               |
 * +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
 * |     Extended payload length continued, if payload len == 127  |
 * + - - - - - - - - - - - - - - - +-------------------------------+
 * |                               |Masking-key, if MASK set to 1  |
 * +-------------------------------+-------------------------------+
 * | Masking-key (continued)       |          Payload Data         |
 * +-------------------------------- - - - - - - - - - - - - - - - +
 * ```
 * Lengths 0–125 fit the 7-bit field; 126 announces a 16-bit length, 127 a 64-bit one whose top bit must be 0.
 */

/** Opcodes (RFC 6455 §5.2). 3–7 and 0xB–0xF are reserved. */
export const Opcode = {
  CONTINUATION: 0x0,
  TEXT: 0x1,
  BINARY: 0x2,
  CLOSE: 0x8,
  PING: 0x9,
  PONG: 0xa,
} as const;

/** First header byte. */
export const FIN_BIT = 0x80;
export const RSV1_BIT = 0x40;
/** RSV2 and RSV3: no extension we support defines them. */
export const RSV2_RSV3_BITS = 0x30;
export const OPCODE_BITS = 0x0f;
/** Second header byte. */
export const MASK_BIT = 0x80;
export const LENGTH_BITS = 0x7f;

/** Largest payload of a control frame (§5.5). */
export const MAX_CONTROL_PAYLOAD = 125;
/** Largest length that fits the 7-bit field; 126 and 127 announce the extended lengths. */
export const MAX_7BIT_LENGTH = 125;
export const LENGTH_16_MARKER = 126;
export const LENGTH_64_MARKER = 127;

const TWO_POW_32 = 2 ** 32;

/** Bytes the header of a frame with `length` payload bytes takes (the shortest encoding, mask key included). */
export function frameHeaderSize(length: number, masked: boolean): number {
  const base = length <= MAX_7BIT_LENGTH ? 2 : length <= 0xffff ? 4 : 10;
  return masked ? base + 4 : base;
}

/**
 * Write a frame header at `target[start]` (default 0) using the minimal length encoding, and return its size.
 * When `maskKey` is given, the MASK bit is set and the key is copied after the length.
 */
export function writeFrameHeader(
  target: Uint8Array,
  opcode: number,
  length: number,
  fin: boolean,
  rsv1: boolean,
  maskKey?: Uint8Array,
  start = 0,
): number {
  target[start] = (fin ? FIN_BIT : 0) | (rsv1 ? RSV1_BIT : 0) | opcode;
  const maskBit = maskKey ? MASK_BIT : 0;
  let offset = start;
  if (length <= MAX_7BIT_LENGTH) {
    target[offset + 1] = maskBit | length;
    offset += 2;
  } else if (length <= 0xffff) {
    target[offset + 1] = maskBit | LENGTH_16_MARKER;
    target[offset + 2] = length >>> 8;
    target[offset + 3] = length & 0xff;
    offset += 4;
  } else {
    target[offset + 1] = maskBit | LENGTH_64_MARKER;
    const high = Math.floor(length / TWO_POW_32);
    const low = length >>> 0;
    target[offset + 2] = high >>> 24;
    target[offset + 3] = (high >>> 16) & 0xff;
    target[offset + 4] = (high >>> 8) & 0xff;
    target[offset + 5] = high & 0xff;
    target[offset + 6] = low >>> 24;
    target[offset + 7] = (low >>> 16) & 0xff;
    target[offset + 8] = (low >>> 8) & 0xff;
    target[offset + 9] = low & 0xff;
    offset += 10;
  }
  if (maskKey) {
    target[offset] = maskKey[0];
    target[offset + 1] = maskKey[1];
    target[offset + 2] = maskKey[2];
    target[offset + 3] = maskKey[3];
    offset += 4;
  }
  return offset - start;
}

/** True for close, ping and pong (opcodes with the high bit set). */
export function isControlOpcode(opcode: number): boolean {
  return (opcode & 0x8) !== 0;
}

const controlEncoder = new TextEncoder();
const EMPTY_PAYLOAD = new Uint8Array(0);

/** A ping or pong payload as bytes; throws a RangeError naming `kind` when it is over 125 bytes. */
export function controlPayload(payload: Uint8Array | string | undefined, kind: string): Uint8Array {
  if (payload === undefined) return EMPTY_PAYLOAD;
  const bytes = typeof payload === "string" ? controlEncoder.encode(payload) : payload;
  if (bytes.length > MAX_CONTROL_PAYLOAD) {
    throw new RangeError(`a ${kind} payload is at most ${MAX_CONTROL_PAYLOAD} bytes, got ${bytes.length}`);
  }
  return bytes;
}
