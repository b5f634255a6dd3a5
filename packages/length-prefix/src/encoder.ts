/**
 * `LengthPrefixEncoder`: writes a header and then the payload as two writes (the stream layer coalesces
 * them), never copying the payload. Headers come from a shared slab so small messages cost no allocation.
 */
import { encodeUtf8, FramedError, type SessionSink } from "@framed/core";
import { maxUint, writeUint } from "./fixed-int.ts";
import type { Geometry } from "./options.ts";
import { varintLength, writeVarint } from "./varint.ts";

const SLAB_SIZE = 16 * 1024;
let slab = new Uint8Array(SLAB_SIZE);
let slabUsed = 0;

/** `size` fresh bytes. A used slab is never rewritten, so handed-out headers stay valid while queued. */
function headerBytes(size: number): Uint8Array {
  if (slabUsed + size > SLAB_SIZE) {
    slab = new Uint8Array(SLAB_SIZE);
    slabUsed = 0;
  }
  const view = slab.subarray(slabUsed, slabUsed + size);
  slabUsed += size;
  return view;
}

export class LengthPrefixEncoder {
  /** Why this geometry cannot encode, if it cannot. */
  private readonly decodeOnly: string | undefined;

  constructor(
    private readonly geometry: Geometry,
    private readonly sink: SessionSink<Uint8Array>,
  ) {
    const { offset, strip, fixedSize } = geometry;
    if (offset !== 0) this.decodeOnly = `lengthFieldOffset ${offset}`;
    else if (strip !== undefined && strip !== fixedSize) this.decodeOnly = `initialBytesToStrip ${strip}`;
  }

  /** Frame one message. Strings are sent as UTF-8. */
  send(message: Uint8Array | string): void {
    const { fixedSize, littleEndian, adjustment, maxMessageSize, header } = this.geometry;
    if (this.decodeOnly) {
      throw new FramedError(
        "INVALID_MESSAGE",
        `length-prefix: a framing with ${this.decodeOnly} can decode but not encode (the encoder writes length + payload)`,
      );
    }
    const payload = typeof message === "string" ? encodeUtf8(message) : message;
    if (!(payload instanceof Uint8Array)) {
      throw new FramedError(
        "INVALID_MESSAGE",
        `length-prefix: can only send Uint8Array or string messages, got ${typeof message}`,
      );
    }
    if (payload.length > maxMessageSize) {
      throw new FramedError(
        "MESSAGE_TOO_LARGE",
        `length-prefix: cannot send ${payload.length} bytes, over maxMessageSize ${maxMessageSize}`,
      );
    }
    const value = payload.length - adjustment;
    if (value < 0) {
      throw new FramedError(
        "INVALID_MESSAGE",
        `length-prefix: a ${payload.length}-byte message is shorter than lengthAdjustment ${adjustment} requires`,
      );
    }
    let headerView: Uint8Array;
    if (fixedSize === 0) {
      headerView = headerBytes(varintLength(value));
      writeVarint(value, headerView, 0);
    } else {
      if (value > maxUint(fixedSize)) {
        throw new FramedError(
          "INVALID_MESSAGE",
          `length-prefix: length ${value} does not fit a ${header} header (max ${maxUint(fixedSize)})`,
        );
      }
      headerView = headerBytes(fixedSize);
      writeUint(value, headerView, 0, fixedSize, littleEndian);
    }
    this.sink.write(headerView);
    if (payload.length > 0) this.sink.write(payload);
  }
}
