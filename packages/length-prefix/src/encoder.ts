/**
 * `LengthPrefixEncoder`: writes a header and then the payload. A small payload is copied next to its
 * header (one write); a larger one goes out as a second write, never copied (the stream layer coalesces
 * them). Headers come from the framing's write slab, so a tick's small messages leave as one view of it.
 */
import { encodeUtf8, FramedError, type SessionSink, type WriteSlab } from "@framed/core";
import { maxUint, writeUint } from "./fixed-int.ts";
import type { Geometry } from "./options.ts";
import { varintLength, writeVarint } from "./varint.ts";

/**
 * Payloads up to this size are copied next to their header so the message is one write: for small
 * messages a second write (and a second piece in the tick's coalesced write) costs more than the copy.
 */
const SMALL_PAYLOAD = 256;

export class LengthPrefixEncoder {
  /** Why this geometry cannot encode, if it cannot. */
  private readonly decodeOnly: string | undefined;

  constructor(
    private readonly geometry: Geometry,
    private readonly sink: SessionSink<Uint8Array>,
    private readonly slab: WriteSlab,
  ) {
    const { offset, strip, fixedSize } = geometry;
    if (offset !== 0) this.decodeOnly = `lengthFieldOffset ${offset}`;
    else if (strip !== undefined && strip !== fixedSize) this.decodeOnly = `initialBytesToStrip ${strip}`;
  }

  /**
   * Frame one message. The framing's type is `Uint8Array`, but a string is sent as UTF-8 too: that is how
   * `asText(stream)` sends text over any framing.
   */
  send(message: Uint8Array | string): void {
    const { fixedSize, adjustment, maxMessageSize, header } = this.geometry;
    if (this.decodeOnly) {
      throw new FramedError(
        "INVALID_MESSAGE",
        `length-prefix: a framing with ${this.decodeOnly} can decode but not encode (the encoder writes length + payload)`,
      );
    }
    const payload = typeof message === "string" ? encodeUtf8(message, this.slab) : message;
    if (!(payload instanceof Uint8Array)) {
      throw new FramedError(
        "INVALID_MESSAGE",
        `length-prefix sends Uint8Array messages (or strings, as UTF-8), got ${message === null ? "null" : typeof message}`,
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
    if (fixedSize !== 0 && value > maxUint(fixedSize)) {
      throw new FramedError(
        "INVALID_MESSAGE",
        `length-prefix: length ${value} does not fit a ${header} header (max ${maxUint(fixedSize)})`,
      );
    }
    const headerSize = fixedSize === 0 ? varintLength(value) : fixedSize;
    if (payload.length <= SMALL_PAYLOAD) {
      // Written in place into the write slab: no view of its own, and a tick's messages leave as one write.
      const size = headerSize + payload.length;
      const slab = this.slab;
      const at = slab.reserve(size);
      const bytes = slab.bytes;
      this.writeLength(value, bytes, at);
      bytes.set(payload, at + headerSize);
      slab.send(this.sink, size);
      return;
    }
    const headerBytes = this.slab.take(headerSize);
    this.writeLength(value, headerBytes, 0);
    this.sink.write(headerBytes);
    this.sink.write(payload);
  }

  /** The length field, as this geometry encodes it, at `target[at]`. */
  private writeLength(value: number, target: Uint8Array, at: number): void {
    const { fixedSize, littleEndian } = this.geometry;
    if (fixedSize === 0) writeVarint(value, target, at);
    else writeUint(value, target, at, fixedSize, littleEndian);
  }
}
