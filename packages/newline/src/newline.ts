/**
 * `newline()`: lines of text, the default framing of this package (`Framing<string>`).
 */
import { FramedError, type Framing } from "@framed/core";
import { describeType, encodeTextLine, type LineWriter } from "./line-encoder.ts";
import { type LineSettings, resolveInvalidUtf8, resolveLineSettings, type TextLineOptions } from "./options.ts";
import { type LineCodec, type LineOutput, lineFraming } from "./session.ts";
import { TextLineDecoder } from "./text-lines.ts";

/**
 * Text lines: each message is one line of UTF-8 text, without its delimiter.
 *
 * ```
 * ┌─────────── line 1 ───────────┬────┬──── line 2 ────┬────┐
 * │ UTF-8 text (no delimiter)    │ LF │ UTF-8 text     │ LF │   a CR before LF is stripped;
 * └──────────────────────────────┴────┴────────────────┴────┘   the encoder writes text + "\n"
 * ```
 * Decoding splits on LF and strips a CR before it (CRLF input reads the same), strips a leading BOM,
 * delivers empty lines as `""` and a last line without LF at end of input. Invalid UTF-8 ends the
 * stream with `INVALID_UTF8` unless `invalidUtf8` says otherwise. Sending a string that contains the
 * delimiter throws `INVALID_MESSAGE`.
 *
 * @example
 * ```ts
 * import { connect } from "@framed/newline/node";
 * const stream = await connect({ port: 6379 });
 * await stream.send("PING");
 * for await (const line of stream) console.log(line);
 *
 * // Strict CRLF, lines up to 8 KiB, oversized lines skipped with a warning:
 * newline({ delimiter: "\r\n", maxMessageSize: 8192, oversize: "skip" });
 * ```
 */
export function newline(options: TextLineOptions = {}): Framing<string> {
  const settings = resolveLineSettings(options, { skipEmpty: false, stripBom: true });
  const invalidUtf8 = resolveInvalidUtf8(options);
  return lineFraming(new TextLineCodec(settings, invalidUtf8));
}

class TextLineCodec implements LineCodec<string> {
  readonly name = "newline";

  constructor(
    readonly settings: LineSettings,
    private readonly invalidUtf8: "error" | "replace" | "skip",
  ) {}

  createHandler(output: LineOutput<string>): TextLineDecoder<string> {
    return new PlainTextLines(this.settings, this.invalidUtf8, output);
  }

  encode(message: string, out: LineWriter): void {
    if (typeof message !== "string") {
      throw new FramedError("INVALID_MESSAGE", `newline sends strings, got ${describeType(message)}`);
    }
    encodeTextLine(message, this.settings, out);
  }
}

/** Each line is the message, as is. */
class PlainTextLines extends TextLineDecoder<string> {
  protected deliver(text: string): void {
    if (text.length > 0 || !this.settings.skipEmpty) this.output.message(text);
  }
}
