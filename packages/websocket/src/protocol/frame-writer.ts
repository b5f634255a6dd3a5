/**
 * FrameWriter: turns one payload into one frame on the sink. Server: a small frame is written whole in place
 * into the framing's write slab; a larger payload goes out untouched after a header from the slab. Client:
 * copied once and masked (the caller's bytes are never changed).
 */
import type { SessionSink, WriteSlab } from "@framed/core";
import { frameHeaderSize, writeFrameHeader } from "./frame-header.ts";
import { MaskKeySource, maskInPlace } from "./mask.ts";

/**
 * Payloads up to this size are copied next to their header so the frame is one write: for small messages
 * a second write call costs more than the copy.
 */
const SMALL_PAYLOAD = 256;

/**
 * Shared by every client session: keys stay unpredictable, and idle clients hold no batch of their own. A
 * second copy of this module (CommonJS next to ESM) only draws its own random keys, which changes nothing.
 */
const maskKeys = new MaskKeySource();

export class FrameWriter {
  private readonly keys: MaskKeySource | null;

  /** @param masking clients mask every frame (RFC 6455 §5.3), servers never do */
  constructor(
    private readonly sink: Pick<SessionSink<unknown>, "write" | "writeSlab">,
    masking: boolean,
    private readonly slab: WriteSlab,
  ) {
    this.keys = masking ? maskKeys : null;
  }

  /** Write one frame (FIN set) carrying `payload`. */
  frame(opcode: number, payload: Uint8Array, rsv1 = false): void {
    const length = payload.length;
    const keys = this.keys;
    if (keys === null) {
      const headerSize = frameHeaderSize(length, false);
      if (length > SMALL_PAYLOAD) {
        const header = this.slab.take(headerSize);
        writeFrameHeader(header, opcode, length, true, rsv1);
        this.sink.write(header);
        this.sink.write(payload);
        return;
      }
      // Written in place into the write slab: no view of its own, and a tick's frames leave as one write.
      const slab = this.slab;
      const at = slab.reserve(headerSize + length);
      const bytes = slab.bytes;
      writeFrameHeader(bytes, opcode, length, true, rsv1, undefined, at);
      bytes.set(payload, at + headerSize);
      slab.send(this.sink, headerSize + length);
      return;
    }
    const headerSize = frameHeaderSize(length, true);
    // Small frames from the slab, 8-byte aligned so masking can use whole words from the start of most payloads.
    const size = headerSize + length;
    const frame = size > SMALL_PAYLOAD + 14 ? new Uint8Array(size) : this.slab.take(size, true);
    const key = keys.next();
    writeFrameHeader(frame, opcode, length, true, rsv1, key);
    frame.set(payload, headerSize);
    if (length > 0) maskInPlace(frame.subarray(headerSize), key);
    this.sink.write(frame);
  }
}
