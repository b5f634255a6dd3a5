/**
 * `ndjson()`: newline-delimited JSON, one JSON value per line (`Framing<T>`, `T` defaulting to `unknown`).
 */
import { FramedError, type Framing } from "@framed/core";
import { encodeTextLine, type LineWriter } from "./line-encoder.ts";
import {
  type LineSettings,
  type NdjsonOptions,
  resolveInvalidJson,
  resolveInvalidUtf8,
  resolveLineSettings,
} from "./options.ts";
import { type LineCodec, type LineOutput, lineFraming } from "./session.ts";
import { TextLineDecoder } from "./text-lines.ts";

/**
 * NDJSON / JSON Lines: each message is one JSON value on its own line.
 *
 * ```
 * {"id":1,"method":"ping"}⏎{"id":2,"method":"sum","params":[1,2]}⏎[1,2,3]⏎"text"⏎null⏎
 * ```
 * The encoder writes `JSON.stringify(value) + "\n"` (never `os.EOL`). The decoder accepts LF or CRLF,
 * strips a leading BOM, skips empty lines (`skipEmpty` defaults to `true` here, as the `ndjson`
 * package does), and treats a line that is not JSON as an `INVALID_JSON` error carrying its line
 * number (`messageNumber`): it ends the stream, or with `invalidJson: "skip"` is reported through
 * `onWarning` and skipped. The type parameter is a promise you make about the peer, not a check.
 *
 * @example
 * ```ts
 * import { fromResponse } from "@framed/core/browser";
 * for await (const row of fromResponse(await fetch("/rows.ndjson"), ndjson<{ id: number }>())) {
 *   console.log(row.id);
 * }
 * ```
 */
export function ndjson<T = unknown>(options: NdjsonOptions = {}): Framing<T> {
  const settings = resolveLineSettings(options, { skipEmpty: true, stripBom: true });
  const codec = new JsonLineCodec<T>(settings, resolveInvalidUtf8(options), resolveInvalidJson(options) === "skip");
  return lineFraming(codec);
}

/** True when the delimiter is made of control characters only, which `JSON.stringify` always escapes. */
function jsonNeverContains(settings: LineSettings): boolean {
  const text = settings.delimiter.text;
  if (text === undefined) return false;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x20) return false;
  return true;
}

class JsonLineCodec<T> implements LineCodec<T> {
  readonly name = "ndjson";
  private readonly checkDelimiter: boolean;

  constructor(
    readonly settings: LineSettings,
    private readonly invalidUtf8: "error" | "replace" | "skip",
    private readonly skipInvalidJson: boolean,
  ) {
    this.checkDelimiter = !jsonNeverContains(settings);
  }

  createHandler(output: LineOutput<T>): TextLineDecoder<T> {
    return new JsonLines(this.settings, this.invalidUtf8, output, this.skipInvalidJson);
  }

  encode(message: T, out: LineWriter): void {
    let text: string | undefined;
    try {
      text = JSON.stringify(message);
    } catch (cause) {
      throw new FramedError("INVALID_MESSAGE", `cannot send as JSON: ${(cause as Error).message}`, { cause });
    }
    if (text === undefined) {
      throw new FramedError("INVALID_MESSAGE", `cannot send ${typeof message} as JSON: JSON.stringify gave nothing`);
    }
    encodeTextLine(text, this.settings, out, this.checkDelimiter);
  }
}

/** Each line is parsed as JSON. */
class JsonLines<T> extends TextLineDecoder<T> {
  constructor(
    settings: LineSettings,
    invalidUtf8: "error" | "replace" | "skip",
    output: LineOutput<T>,
    private readonly skipInvalid: boolean,
  ) {
    super(settings, invalidUtf8, output);
  }

  protected deliver(text: string, lineNumber: number): void {
    if (this.settings.skipEmpty && text.length === 0) return;
    let value: T;
    try {
      value = JSON.parse(text);
    } catch (cause) {
      const error = new FramedError(
        "INVALID_JSON",
        `line ${lineNumber} is not JSON (${(cause as Error).message})${this.skipInvalid ? "; skipped" : ""}`,
        { messageNumber: lineNumber, cause },
      );
      if (this.skipInvalid) this.output.warn(error);
      else this.output.fail(error);
      return;
    }
    // The parsed value's own size is unknown; its text's length stands for it.
    this.output.message(value, text.length);
  }
}
