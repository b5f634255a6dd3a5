/**
 * FrameReader: parses frames out of received chunks with ws's named-state loop over a ByteQueue
 * (GET_INFO → GET_LENGTH_16/64 → GET_MASK → GET_DATA) and checks every rule that one frame header can break.
 *
 * Data payloads are streamed out as they arrive (as views of the received chunks where possible), so
 * between reads the queue only ever holds a partial header or a partial control frame (≤ 139 bytes),
 * whatever the peer's chunking. Message-level rules (fragment order, sizes, UTF-8) belong to the
 * {@link FrameHandler}.
 *
 * Data payloads are passed on still masked, with their key and phase: whether they may be unmasked where
 * they lie (in the caller's chunk) or must be copied first is the handler's choice (`unmaskInPlace`).
 */
import { ByteQueue, type FramedError } from "@framed/core";
import { protocolError } from "./close-codes.ts";
import {
  FIN_BIT,
  LENGTH_16_MARKER,
  LENGTH_64_MARKER,
  LENGTH_BITS,
  MASK_BIT,
  MAX_CONTROL_PAYLOAD,
  OPCODE_BITS,
  Opcode,
  RSV1_BIT,
  RSV2_RSV3_BITS,
} from "./frame-header.ts";
import { unmaskedCopy } from "./mask.ts";

/** Receives what the reader finds. Handlers may call {@link FrameReader.stop} to end the loop. */
export interface FrameHandler {
  /** A data frame's header (opcode 0, 1 or 2), before any of its payload. */
  dataFrameStart(opcode: number, fin: boolean, rsv1: boolean, length: number): void;
  /**
   * Payload bytes of the current data frame, in order, still masked when `mask` is set (`phase` is how many
   * payload bytes came before them, for `maskInPlace`); `frameDone` on the frame's last bytes.
   * The bytes are a view of received memory: copy before changing them.
   */
  dataFrameBytes(bytes: Uint8Array, frameDone: boolean, mask: Uint8Array | null, phase: number): void;
  /** A whole control frame (close, ping, pong), payload unmasked (a copy). */
  controlFrame(opcode: number, payload: Uint8Array): void;
  /** The bytes broke a framing rule; the reader has stopped. */
  frameError(error: FramedError): void;
}

const GET_INFO = 0;
const GET_LENGTH_16 = 1;
const GET_LENGTH_64 = 2;
const GET_MASK = 3;
const GET_DATA = 4;

const TWO_POW_32 = 2 ** 32;
const EMPTY = new Uint8Array(0);
const NO_MASK = new Uint8Array(0);

export class FrameReader {
  private readonly queue = new ByteQueue();
  private state = GET_INFO;
  private stopped = false;
  private fin = false;
  private rsv1 = false;
  private opcode = 0;
  private masked = false;
  /** Payload bytes of the current frame not yet handed out. */
  private remaining = 0;
  /** Payload bytes of the current frame already handed out (the mask key's phase). */
  private consumed = 0;
  /** The current frame's key; made at the first masked frame (a client's reader never needs one). */
  private mask: Uint8Array = NO_MASK;

  /**
   * @param handler where frames go
   * @param expectMasked the server's reader (frames from a client) requires masked frames, the client's forbids them
   * @param allowRsv1 permessage-deflate was negotiated, so RSV1 may mark a compressed message
   */
  constructor(
    private readonly handler: FrameHandler,
    private readonly expectMasked: boolean,
    private readonly allowRsv1: boolean,
  ) {}

  /** True while a frame has started but not ended (for telling a cut-off frame from a clean EOF). */
  get inFrame(): boolean {
    return this.state !== GET_INFO || this.queue.length > 0;
  }

  /** Stop parsing for good (the session ended); later chunks are dropped. */
  stop(): void {
    this.stopped = true;
    this.queue.clear();
  }

  /** Parse everything `chunk` completes. */
  read(chunk: Uint8Array): void {
    if (this.stopped) return;
    this.queue.push(chunk);
    let more = true;
    while (more && !this.stopped) {
      switch (this.state) {
        case GET_INFO:
          more = this.readInfo();
          break;
        case GET_LENGTH_16:
          more = this.readLength16();
          break;
        case GET_LENGTH_64:
          more = this.readLength64();
          break;
        case GET_MASK:
          more = this.readMask();
          break;
        default:
          more = this.opcode >= Opcode.CLOSE ? this.readControlPayload() : this.readDataPayload();
      }
    }
  }

  private fail(error: FramedError): false {
    this.stop();
    this.handler.frameError(error);
    return false;
  }

  private readInfo(): boolean {
    const queue = this.queue;
    if (queue.length < 2) return false;
    const first = queue.byteAt(0);
    const second = queue.byteAt(1);
    queue.skip(2);
    const opcode = first & OPCODE_BITS;
    const rsv1 = (first & RSV1_BIT) !== 0;
    const fin = (first & FIN_BIT) !== 0;
    const length = second & LENGTH_BITS;
    if ((first & RSV2_RSV3_BITS) !== 0) {
      return this.fail(protocolError("INVALID_FRAME", "RSV2 or RSV3 is set, but no negotiated extension defines them"));
    }
    if (opcode >= Opcode.CLOSE) {
      if (opcode > Opcode.PONG) {
        return this.fail(protocolError("INVALID_FRAME", `reserved control opcode 0x${opcode.toString(16)}`));
      }
      if (!fin)
        return this.fail(protocolError("INVALID_FRAME", "a control frame must not be fragmented (FIN is clear)"));
      if (rsv1) return this.fail(protocolError("INVALID_FRAME", "RSV1 is set on a control frame"));
      if (length > MAX_CONTROL_PAYLOAD) {
        return this.fail(
          protocolError("INVALID_FRAME", `a control frame's payload is at most 125 bytes, got length code ${length}`),
        );
      }
      if (opcode === Opcode.CLOSE && length === 1) {
        return this.fail(protocolError("PROTOCOL_ERROR", "a close frame payload of 1 byte cannot hold a close code"));
      }
    } else if (opcode > Opcode.BINARY) {
      return this.fail(protocolError("INVALID_FRAME", `reserved data opcode 0x${opcode.toString(16)}`));
    } else if (rsv1 && !this.allowRsv1) {
      return this.fail(protocolError("INVALID_FRAME", "RSV1 is set, but permessage-deflate was not negotiated"));
    }
    const masked = (second & MASK_BIT) !== 0;
    if (masked !== this.expectMasked) {
      return this.fail(
        protocolError(
          "PROTOCOL_ERROR",
          this.expectMasked
            ? "a client sent an unmasked frame (clients must mask)"
            : "a server sent a masked frame (servers must not mask)",
        ),
      );
    }
    this.opcode = opcode;
    this.fin = fin;
    this.rsv1 = rsv1;
    this.masked = masked;
    if (length === LENGTH_16_MARKER) this.state = GET_LENGTH_16;
    else if (length === LENGTH_64_MARKER) this.state = GET_LENGTH_64;
    else return this.lengthKnown(length);
    return true;
  }

  private readLength16(): boolean {
    const queue = this.queue;
    if (queue.length < 2) return false;
    const length = (queue.byteAt(0) << 8) | queue.byteAt(1);
    queue.skip(2);
    // Non-minimal encodings (126 announcing a length below 126) are legal to receive: RFC 6455 §5.2 only
    // requires senders to use the minimal form.
    return this.lengthKnown(length);
  }

  private readLength64(): boolean {
    const queue = this.queue;
    if (queue.length < 8) return false;
    const high = ((queue.byteAt(0) << 24) | (queue.byteAt(1) << 16) | (queue.byteAt(2) << 8) | queue.byteAt(3)) >>> 0;
    const low = ((queue.byteAt(4) << 24) | (queue.byteAt(5) << 16) | (queue.byteAt(6) << 8) | queue.byteAt(7)) >>> 0;
    queue.skip(8);
    if (high >= 0x80000000) {
      return this.fail(protocolError("INVALID_FRAME", "a 64-bit payload length has its most significant bit set"));
    }
    // Above 2^53 the sum is inexact, but such a length is beyond any size limit and is refused as too big.
    return this.lengthKnown(high * TWO_POW_32 + low);
  }

  private lengthKnown(length: number): boolean {
    this.remaining = length;
    this.consumed = 0;
    if (this.opcode < Opcode.CLOSE) {
      this.handler.dataFrameStart(this.opcode, this.fin, this.rsv1, length);
      if (this.stopped) return false;
    }
    this.state = this.masked ? GET_MASK : GET_DATA;
    return true;
  }

  private readMask(): boolean {
    const queue = this.queue;
    if (queue.length < 4) return false;
    if (this.mask === NO_MASK) this.mask = new Uint8Array(4);
    const mask = this.mask;
    mask[0] = queue.byteAt(0);
    mask[1] = queue.byteAt(1);
    mask[2] = queue.byteAt(2);
    mask[3] = queue.byteAt(3);
    queue.skip(4);
    this.state = GET_DATA;
    return true;
  }

  private readControlPayload(): boolean {
    const length = this.remaining;
    if (this.queue.length < length) return false;
    let payload = length === 0 ? EMPTY : this.queue.take(length);
    if (this.masked && length > 0) payload = unmaskedCopy(payload, this.mask, 0);
    this.state = GET_INFO;
    this.handler.controlFrame(this.opcode, payload);
    return true;
  }

  private readDataPayload(): boolean {
    const available = this.queue.length;
    if (this.remaining === 0) {
      this.state = GET_INFO;
      this.handler.dataFrameBytes(EMPTY, true, null, 0);
      return true;
    }
    if (available === 0) return false;
    const count = Math.min(available, this.remaining);
    const bytes = this.queue.take(count);
    const phase = this.consumed;
    this.consumed += count;
    this.remaining -= count;
    const frameDone = this.remaining === 0;
    if (frameDone) this.state = GET_INFO;
    this.handler.dataFrameBytes(bytes, frameDone, this.masked ? this.mask : null, phase);
    return frameDone;
  }
}
