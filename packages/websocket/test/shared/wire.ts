// Hand-built WebSocket frames for raw-socket tests, runtime-neutral (plain Uint8Array, no Buffer): the
// frame builder, close payloads, and the interface a raw test client offers on Node and on Deno.

/** One frame as read off the wire. */
export interface WireFrame {
  fin: boolean;
  rsv: number;
  opcode: number;
  payload: Uint8Array;
}

/** A WebSocket connection over a bare TCP socket, for sending frames no real client would. */
export interface RawPeer {
  /** The HTTP response head, as text. */
  readonly response: string;
  send(...frames: Uint8Array[]): void;
  /** The next server frame (unmasked, as servers must send). */
  read(ms?: number): Promise<WireFrame>;
  /** Frames until a close frame: its code (1005 when empty) and reason. */
  readClose(ms?: number): Promise<{ code: number; reason: string }>;
  /** Resolves when the server has closed the TCP connection. */
  closedByServer(ms?: number): Promise<void>;
  destroy(): void | Promise<void>;
}

/** The usual upgrade request of a raw client. */
export const UPGRADE_REQUEST =
  "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

const encoder = new TextEncoder();

/** Bytes of a string (UTF-8) or a copy of bytes. */
export function bytesOf(payload: Uint8Array | string): Uint8Array {
  return typeof payload === "string" ? encoder.encode(payload) : Uint8Array.from(payload);
}

/** UTF-8 text of bytes. */
export function textOf(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

/** Join byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}

/** Build one frame; client frames are masked with a fixed non-zero key unless `mask` is false. */
export function frame(
  opcode: number,
  payload: Uint8Array | string = new Uint8Array(0),
  options: { fin?: boolean; rsv?: number; mask?: boolean; length?: number } = {},
): Uint8Array {
  const data = bytesOf(payload);
  const length = options.length ?? data.length;
  const mask = options.mask ?? true;
  const header: number[] = [((options.fin ?? true) ? 0x80 : 0) | ((options.rsv ?? 0) << 4) | opcode];
  const maskBit = mask ? 0x80 : 0;
  if (length < 126) header.push(maskBit | length);
  else if (length < 65536) header.push(maskBit | 126, length >> 8, length & 0xff);
  else {
    const big = new Uint8Array(8);
    new DataView(big.buffer).setBigUint64(0, BigInt(length));
    header.push(maskBit | 127, ...big);
  }
  if (!mask) return concat(Uint8Array.from(header), data);
  const key = [0x37, 0xfa, 0x21, 0x3d];
  const masked = data.map((byte, i) => byte ^ key[i % 4]);
  return concat(Uint8Array.from(header), Uint8Array.from(key), masked);
}

/** A close frame payload: code then UTF-8 reason. */
export function closePayload(code: number, reason = ""): Uint8Array {
  return concat(Uint8Array.of(code >> 8, code & 0xff), encoder.encode(reason));
}

/**
 * If `buffer` starts with a whole server frame, that frame and the byte count it took; else null.
 *
 * ```text
 *  FIN RSV opcode │ MASK len7 │ len16 / len64 │ payload
 * ```
 */
export function parseServerFrame(buffer: Uint8Array): { frame: WireFrame; size: number } | null {
  if (buffer.length < 2) return null;
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  if (buffer[1] & 0x80) throw new Error("the server sent a masked frame");
  let length = buffer[1] & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return null;
    length = view.getUint16(2);
    offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return null;
    length = Number(view.getBigUint64(2));
    offset = 10;
  }
  if (buffer.length < offset + length) return null;
  const first = buffer[0];
  return {
    frame: {
      fin: (first & 0x80) !== 0,
      rsv: (first >> 4) & 7,
      opcode: first & 0x0f,
      payload: buffer.slice(offset, offset + length),
    },
    size: offset + length,
  };
}

/** The code (1005 when empty) and reason of a close frame's payload. */
export function readClosePayload(payload: Uint8Array): { code: number; reason: string } {
  if (payload.length === 0) return { code: 1005, reason: "" };
  return { code: (payload[0] << 8) | payload[1], reason: textOf(payload.subarray(2)) };
}
