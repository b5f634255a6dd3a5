/**
 * `lengthPrefix(options)`: the length-prefix framing, a decoder and an encoder behind the core contract.
 */
import type { Framing, FramingSession, SessionSink } from "@framed/core";
import { LengthPrefixDecoder } from "./decoder.ts";
import { LengthPrefixEncoder } from "./encoder.ts";
import { type LengthPrefixOptions, resolveGeometry } from "./options.ts";

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
  return {
    name: "length-prefix",
    open(sink: SessionSink<Uint8Array>): FramingSession<Uint8Array> {
      const decoder = new LengthPrefixDecoder(geometry, sink);
      const encoder = new LengthPrefixEncoder(geometry, sink);
      return {
        receive: (chunk) => decoder.receive(chunk),
        receiveEnd: () => decoder.receiveEnd(),
        send: (message) => encoder.send(message),
        close: () => false,
        get midMessage() {
          return decoder.midMessage;
        },
      };
    },
  };
}
