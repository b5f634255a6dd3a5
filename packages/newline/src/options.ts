/**
 * The options of the three newline framings, their defaults, and their validation.
 */
import { checkSizeOption, DEFAULT_MAX_MESSAGE_SIZE, WriteSlab } from "@framed/core";
import { type Delimiter, LF, resolveDelimiter } from "./delimiter.ts";

/** Options every newline framing takes (`newline`, `newlineBytes`, `ndjson`). */
export interface LineOptions {
  /**
   * The bytes that end a line. Default `"\n"` (LF). Use `"\r\n"` for strict CRLF (a bare LF is then
   * part of the line), or any other string or byte sequence (`"\0"`, `new Uint8Array([0xff])`).
   */
  delimiter?: string | Uint8Array;
  /**
   * Remove one CR (`\r`) found right before the delimiter, so CRLF input reads like LF input.
   * Default `true` when the delimiter is `"\n"`, `false` otherwise. A CR that is not followed by the
   * delimiter (a lone CR, or one at the end of input) stays in the line.
   */
  stripCR?: boolean;
  /**
   * Largest line in bytes, delimiter (and stripped CR) excluded. Enforced while the line is still
   * arriving: a longer line is never held in memory. Default `DEFAULT_MAX_MESSAGE_SIZE` (16 MiB).
   * The encoder refuses longer messages too.
   */
  maxMessageSize?: number;
  /**
   * What a line over `maxMessageSize` does: `"error"` ends the stream with `MESSAGE_TOO_LARGE`
   * (default); `"skip"` drops the line up to the next delimiter, reports it once as a warning and
   * carries on with the next line.
   */
  oversize?: "error" | "skip";
  /**
   * What a last line that ends without a delimiter at end of input does: `"deliver"` it as a message
   * (default, like split2, readline and `TextLineStream`) or end the stream with a `TRUNCATED` error.
   */
  unterminatedLine?: "deliver" | "error";
  /** Drop empty lines instead of delivering them as empty messages. Default `false` (`true` for `ndjson`). */
  skipEmpty?: boolean;
  /**
   * Remove a UTF-8 byte order mark (EF BB BF) at the very start of the input. Default `true` for
   * `newline` and `ndjson` (text), `false` for `newlineBytes`. Only the first three bytes are looked at.
   */
  stripBom?: boolean;
  /**
   * Let the encoder send a message that contains the delimiter (or, with `stripCR`, ends in CR).
   * Default `false`: such a message would not read back as one line, so `send` throws `INVALID_MESSAGE`.
   */
  allowDelimiter?: boolean;
}

/** Options of the text framings (`newline` and `ndjson`). */
export interface TextLineOptions extends LineOptions {
  /**
   * What a line that is not valid UTF-8 does: `"error"` ends the stream with `INVALID_UTF8` naming the
   * line (default); `"skip"` drops the line with a warning; `"replace"` decodes it with U+FFFD for each
   * bad sequence, as split2, readline and `TextDecoder` do.
   */
  invalidUtf8?: "error" | "replace" | "skip";
}

/** Options of {@link ndjson}. */
export interface NdjsonOptions extends TextLineOptions {
  /**
   * What a line that is not JSON does: `"error"` ends the stream with `INVALID_JSON` naming the line
   * (default); `"skip"` drops the line with an `INVALID_JSON` warning and carries on.
   */
  invalidJson?: "error" | "skip";
}

/** Options after defaults and validation, shared by the splitter and the encoders. */
export interface LineSettings {
  delimiter: Delimiter;
  stripCR: boolean;
  maxMessageSize: number;
  skipOversize: boolean;
  failUnterminated: boolean;
  skipEmpty: boolean;
  stripBom: boolean;
  allowDelimiter: boolean;
  /** Where short lines are encoded, shared by the framing's sessions. */
  slab: WriteSlab;
}

function oneOf<V extends string>(name: string, value: V | undefined, allowed: readonly V[], fallback: V): V {
  if (value === undefined) return fallback;
  if (!allowed.includes(value)) {
    throw new TypeError(`${name} must be one of ${allowed.map((a) => `"${a}"`).join(", ")}, got ${String(value)}`);
  }
  return value;
}

function flag(name: string, value: boolean | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") throw new TypeError(`${name} must be a boolean, got ${String(value)}`);
  return value;
}

/**
 * Apply defaults and validate. Keys it does not know are ignored, because the runtime entries pass
 * the stream's options (`readableHighWaterMark`…) in the same object.
 */
export function resolveLineSettings(
  options: LineOptions,
  defaults: { skipEmpty: boolean; stripBom: boolean },
): LineSettings {
  const delimiter = resolveDelimiter(options.delimiter);
  const isLf = delimiter.bytes.length === 1 && delimiter.bytes[0] === LF;
  return {
    delimiter,
    stripCR: flag("stripCR", options.stripCR, isLf),
    maxMessageSize: checkSizeOption("maxMessageSize", options.maxMessageSize, DEFAULT_MAX_MESSAGE_SIZE),
    skipOversize: oneOf("oversize", options.oversize, ["error", "skip"], "error") === "skip",
    failUnterminated: oneOf("unterminatedLine", options.unterminatedLine, ["deliver", "error"], "deliver") === "error",
    skipEmpty: flag("skipEmpty", options.skipEmpty, defaults.skipEmpty),
    stripBom: flag("stripBom", options.stripBom, defaults.stripBom),
    allowDelimiter: flag("allowDelimiter", options.allowDelimiter, false),
    slab: new WriteSlab(),
  };
}

/** Resolve `invalidUtf8`. */
export function resolveInvalidUtf8(options: TextLineOptions): "error" | "replace" | "skip" {
  return oneOf("invalidUtf8", options.invalidUtf8, ["error", "replace", "skip"], "error");
}

/** Resolve `invalidJson`. */
export function resolveInvalidJson(options: NdjsonOptions): "error" | "skip" {
  return oneOf("invalidJson", options.invalidJson, ["error", "skip"], "error");
}
