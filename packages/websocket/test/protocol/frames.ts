// Hand-built frames and a frame parser for the sans-I/O tests: the tests state bytes, not implementation calls.
import { concatBytes, openRecorded, type SessionRecord } from "@framed/core/testing";
import type { DeflateParams } from "../../src/deflate/params.ts";
import { type WebSocketOptions, type WebSocketSession, websocketFraming } from "../../src/index.ts";

export const TEXT = 0x1;
export const BINARY = 0x2;
export const CONTINUATION = 0x0;
export const CLOSE = 0x8;
export const PING = 0x9;
export const PONG = 0xa;

const encoder = new TextEncoder();
export const utf8 = (text: string): Uint8Array => encoder.encode(text);
export const bytesOf = (...values: number[]): Uint8Array => Uint8Array.from(values);

/** A fixed, non-trivial masking key so masked bytes differ from the payload. */
export const TEST_MASK = bytesOf(0x37, 0xfa, 0x21, 0x3d);

export interface FrameSpec {
  opcode: number;
  payload?: Uint8Array | string;
  fin?: boolean;
  rsv1?: boolean;
  rsv2?: boolean;
  rsv3?: boolean;
  /** A key, true for TEST_MASK, false for none. Default: masked (a client's frame, as a server receives it). */
  mask?: Uint8Array | boolean;
  /** Force a length encoding (non-minimal encodings are legal to receive). */
  lengthBits?: 7 | 16 | 64;
  /** Announce this length instead of the payload's. */
  declaredLength?: number;
}

/** Encode one frame exactly as specified. */
export function frame(spec: FrameSpec): Uint8Array {
  const payload = typeof spec.payload === "string" ? utf8(spec.payload) : (spec.payload ?? new Uint8Array(0));
  const length = spec.declaredLength ?? payload.length;
  const key = spec.mask === false ? null : spec.mask === undefined || spec.mask === true ? TEST_MASK : spec.mask;
  const bits = spec.lengthBits ?? (length < 126 ? 7 : length < 65536 ? 16 : 64);
  const header: number[] = [
    (spec.fin === false ? 0 : 0x80) |
      (spec.rsv1 ? 0x40 : 0) |
      (spec.rsv2 ? 0x20 : 0) |
      (spec.rsv3 ? 0x10 : 0) |
      spec.opcode,
  ];
  const maskBit = key ? 0x80 : 0;
  if (bits === 7) header.push(maskBit | length);
  else if (bits === 16) header.push(maskBit | 126, length >>> 8, length & 0xff);
  else {
    header.push(maskBit | 127);
    const high = Math.floor(length / 2 ** 32);
    const low = length >>> 0;
    header.push(high >>> 24, (high >>> 16) & 0xff, (high >>> 8) & 0xff, high & 0xff);
    header.push(low >>> 24, (low >>> 16) & 0xff, (low >>> 8) & 0xff, low & 0xff);
  }
  if (key) header.push(...key);
  const body = payload.slice();
  if (key) for (let i = 0; i < body.length; i++) body[i] ^= key[i & 3];
  return concatBytes([Uint8Array.from(header), body]);
}

/** A close frame payload: code then reason. */
export function closePayload(code: number, reason = ""): Uint8Array {
  return concatBytes([bytesOf(code >>> 8, code & 0xff), utf8(reason)]);
}

export interface ParsedFrame {
  fin: boolean;
  rsv1: boolean;
  opcode: number;
  masked: boolean;
  payload: Uint8Array;
  /** Bytes of header (for checking minimal length encoding). */
  headerSize: number;
}

/** Parse frames a session wrote (unmasking them). */
export function parseFrames(bytes: Uint8Array): ParsedFrame[] {
  const frames: ParsedFrame[] = [];
  let at = 0;
  while (at < bytes.length) {
    const start = at;
    const first = bytes[at++];
    const second = bytes[at++];
    let length = second & 0x7f;
    if (length === 126) {
      length = (bytes[at] << 8) | bytes[at + 1];
      at += 2;
    } else if (length === 127) {
      length = (bytes[at] * 2 ** 24 + (bytes[at + 1] << 16) + (bytes[at + 2] << 8) + bytes[at + 3]) * 2 ** 32;
      length += bytes[at + 4] * 2 ** 24 + (bytes[at + 5] << 16) + (bytes[at + 6] << 8) + bytes[at + 7];
      at += 8;
    }
    const masked = (second & 0x80) !== 0;
    const key = masked ? bytes.subarray(at, at + 4) : null;
    if (masked) at += 4;
    const payload = bytes.slice(at, at + length);
    if (key) for (let i = 0; i < payload.length; i++) payload[i] ^= key[i & 3];
    at += length;
    frames.push({
      fin: (first & 0x80) !== 0,
      rsv1: (first & 0x40) !== 0,
      opcode: first & 0x0f,
      masked,
      payload,
      headerSize: at - start - length,
    });
  }
  return frames;
}

export interface Harness {
  session: WebSocketSession;
  record: SessionRecord<string | Uint8Array>;
  /**
   * Everything the session wrote, parsed, after ending its output as a stream does once the messages before
   * the end were handed over (so a failure's close frame is among them).
   */
  written(): ParsedFrame[];
  /** The close code in the first close frame the session wrote, or undefined. */
  sentCloseCode(): number | undefined;
}

/** A recorded session of `role` (default server, which receives masked frames). */
export function open(options: WebSocketOptions = {}, role: "client" | "server" = "server"): Harness {
  const { session, record } = openRecorded(websocketFraming(options), role);
  const written = () => {
    (session as WebSocketSession).endOutput?.();
    return parseFrames(concatBytes(record.writes));
  };
  return {
    session: session as WebSocketSession,
    record,
    written,
    sentCloseCode() {
      const close = written().find((f) => f.opcode === CLOSE);
      return close && close.payload.length >= 2 ? (close.payload[0] << 8) | close.payload[1] : undefined;
    },
  };
}

/** Feed frames to a fresh server session, one chunk per frame, and return the harness. */
export function serverReceives(frames: Uint8Array[], options: WebSocketOptions = {}): Harness {
  const harness = open(options, "server");
  for (const bytes of frames) harness.session.receive(bytes);
  return harness;
}

/** Agreed deflate parameters with nothing negotiated (context takeover, 15-bit windows), plus overrides. */
export function deflateParams(overrides: Partial<DeflateParams> = {}): DeflateParams {
  return {
    serverNoContextTakeover: false,
    clientNoContextTakeover: false,
    serverMaxWindowBits: 15,
    clientMaxWindowBits: 15,
    ...overrides,
  };
}
