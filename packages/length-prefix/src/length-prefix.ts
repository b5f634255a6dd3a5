/**
 * `lengthPrefix(options)`: the length-prefix framing, a decoder and an encoder behind the core contract.
 */
import { type Framing, type FramingSession, type SessionSink, WriteSlab } from "@framed/core";
import { LengthPrefixDecoder } from "./decoder.ts";
import { LengthPrefixEncoder } from "./encoder.ts";
import { type Geometry, type LengthPrefixOptions, resolveGeometry } from "./options.ts";

/**
 * Length-prefixed framing: a length header, then that many bytes. Options are validated here, once.
 *
 * @example
 * ```ts
 * import { lengthPrefix } from "@framed/length-prefix";
 * import { connect } from "@framed/core/node";
 *
 * const stream = await connect({ port: 9000 }, lengthPrefix({ header: "varint" }));
 * await stream.send(new Uint8Array([1, 2, 3]));  // wire: 03 01 02 03
 * ```
 */
export function lengthPrefix(options: LengthPrefixOptions = {}): Framing<Uint8Array> {
  const geometry = resolveGeometry(options);
  // Shared by this framing's sessions, so a listener's small frames share one slab.
  const slab = new WriteSlab();
  return {
    name: "length-prefix",
    open: (sink) => new LengthPrefixSession(geometry, sink, slab),
  };
}

/** One connection: a decoder for what arrives and an encoder for what is sent. Length prefixes have no close message. */
class LengthPrefixSession implements FramingSession<Uint8Array> {
  private readonly decoder: LengthPrefixDecoder;
  private readonly encoder: LengthPrefixEncoder;

  constructor(geometry: Geometry, sink: SessionSink<Uint8Array>, slab: WriteSlab) {
    this.decoder = new LengthPrefixDecoder(geometry, sink);
    this.encoder = new LengthPrefixEncoder(geometry, sink, slab);
  }

  get midMessage(): boolean {
    return this.decoder.midMessage;
  }

  receive(chunk: Uint8Array): void {
    this.decoder.receive(chunk);
  }

  receiveEnd(): void {
    this.decoder.receiveEnd();
  }

  send(message: Uint8Array | string): void {
    this.encoder.send(message);
  }

  close(): boolean {
    return false;
  }
}
