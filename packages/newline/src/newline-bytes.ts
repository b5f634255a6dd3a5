/**
 * `newlineBytes()`: delimiter-terminated records as raw bytes (`Framing<Uint8Array>`).
 */
import { FramedError, type Framing } from "@framed/core";
import { describeType, encodeBytesLine, type LineWriter } from "./line-encoder.ts";
import type { LineHandler } from "./line-splitter.ts";
import { type LineOptions, type LineSettings, resolveLineSettings } from "./options.ts";
import { type LineCodec, type LineOutput, lineFraming } from "./session.ts";

/**
 * Byte records: each message is the bytes between two delimiters, with no decoding at all, the shape
 * of Netty's `LineBasedFrameDecoder` / `DelimiterBasedFrameDecoder`.
 *
 * ```
 * ┌──────── record 1 ────────┬───────────┬──── record 2 ────┬───────────┐
 * │ any bytes but delimiter  │ delimiter │ any bytes        │ delimiter │
 * └──────────────────────────┴───────────┴──────────────────┴───────────┘
 * ```
 * A record that lies inside one received chunk is delivered as a `subarray` view of it (no copy);
 * one that spans chunks is copied once. No BOM is stripped unless `stripBom` is set.
 *
 * @example
 * ```ts
 * import { listen } from "@framed/core/node";
 * // NUL-terminated records, up to 1 MiB each:
 * await listen({ port: 0 }, newlineBytes({ delimiter: "\0", maxMessageSize: 1 << 20 }), async (stream) => {
 *   for await (const record of stream) await stream.send(record);
 * });
 * ```
 */
export function newlineBytes(options: LineOptions = {}): Framing<Uint8Array> {
  return lineFraming(new ByteLineCodec(resolveLineSettings(options, { skipEmpty: false, stripBom: false })));
}

class ByteLineCodec implements LineCodec<Uint8Array> {
  readonly name = "newline-bytes";

  constructor(readonly settings: LineSettings) {}

  createHandler(output: LineOutput<Uint8Array>): LineHandler {
    const skipEmpty = this.settings.skipEmpty;
    return {
      line: (bytes) => {
        if (!skipEmpty || bytes.length > 0) output.message(bytes);
      },
      fail: (error) => output.fail(error),
      warn: (error) => output.warn(error),
    };
  }

  encode(message: Uint8Array, out: LineWriter): void {
    if (!(message instanceof Uint8Array)) {
      throw new FramedError("INVALID_MESSAGE", `newline-bytes sends Uint8Array records, got ${describeType(message)}`);
    }
    encodeBytesLine(message, this.settings, out);
  }
}
