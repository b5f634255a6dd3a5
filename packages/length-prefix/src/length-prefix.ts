/**
 * `lengthPrefix(options)`: the length-prefix framing, a decoder and an encoder behind the core contract.
 */
import {
  type Framing,
  type FramingSession,
  type SessionSink,
  type SharedEncoding,
  sessionEncoding,
  WriteSlab,
} from "@framed/core";
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
  let shared: SharedEncoding<Uint8Array> | undefined;
  return {
    name: "length-prefix",
    open: (sink) => {
      // Records carry no per-connection state: every session of this framing shares one encoding.
      shared ??= sessionEncoding(encodingKey(geometry), (own) => new LengthPrefixSession(geometry, own, slab));
      return new LengthPrefixSession(geometry, sink, slab, shared);
    },
  };
}

/** Everything a record's bytes (or its refusal) depend on. */
function encodingKey(g: Geometry): string {
  return `length-prefix:${g.header}:${g.offset}:${g.adjustment}:${g.strip}:${g.maxMessageSize}`;
}

/** One connection: a decoder for what arrives and an encoder for what is sent. Length prefixes have no close message. */
class LengthPrefixSession implements FramingSession<Uint8Array> {
  private readonly decoder: LengthPrefixDecoder;
  private readonly encoder: LengthPrefixEncoder;

  constructor(
    geometry: Geometry,
    private readonly sink: SessionSink<Uint8Array>,
    slab: WriteSlab,
    readonly sharedEncoding?: SharedEncoding<Uint8Array>,
  ) {
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

  /** Write a record `sharedEncoding` made: nothing to check, records have no state. */
  sendEncoded(bytes: Uint8Array): void {
    this.sink.write(bytes);
  }

  close(): boolean {
    return false;
  }
}
