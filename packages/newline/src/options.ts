/**
 * The options of the three newline framings, their defaults and validation, and the resolved delimiter.
 */
import { checkSizeOption, DEFAULT_MAX_MESSAGE_SIZE, WriteSlab } from "@framed/core";

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

/** What a line becomes: `newline` text, `newlineBytes` records or `ndjson` values. */
export type LineFormat = "text" | "bytes" | "json";

/** Options after defaults and validation: everything the decoder and the encoder need to know. */
export interface LineSettings {
  /** The framing's name (`"newline"`, `"newline-bytes"`, `"ndjson"`), for logs, errors and encoding keys. */
  name: string;
  format: LineFormat;
  delimiter: Delimiter;
  stripCR: boolean;
  maxMessageSize: number;
  skipOversize: boolean;
  failUnterminated: boolean;
  skipEmpty: boolean;
  stripBom: boolean;
  allowDelimiter: boolean;
  /** Text and JSON: what a line that is not UTF-8 does. */
  invalidUtf8: "error" | "replace" | "skip";
  /** JSON: drop a line that is not JSON with a warning instead of ending the stream. */
  skipInvalidJson: boolean;
  /** JSON: false when `JSON.stringify` can never write the delimiter (control characters only, always escaped). */
  jsonMayHoldDelimiter: boolean;
  /** Where short lines are encoded, shared by the framing's sessions. */
  slab: WriteSlab;
}

/** Each format's name and defaults. */
const FORMATS = {
  text: { name: "newline", skipEmpty: false, stripBom: true },
  bytes: { name: "newline-bytes", skipEmpty: false, stripBom: false },
  json: { name: "ndjson", skipEmpty: true, stripBom: true },
} as const;

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
 * Apply `format`'s defaults and validate. Keys it does not know are ignored, because the runtime entries
 * pass the stream's options (`readableHighWaterMark`…) in the same object; so are `invalidUtf8` for bytes
 * and `invalidJson` for text, which those framings do not take.
 */
export function resolveLineSettings(format: LineFormat, options: NdjsonOptions): LineSettings {
  const defaults = FORMATS[format];
  const delimiter = resolveDelimiter(options.delimiter);
  const isLf = delimiter.bytes.length === 1 && delimiter.bytes[0] === LF;
  const stripCR = flag("stripCR", options.stripCR, isLf);
  const maxMessageSize = checkSizeOption("maxMessageSize", options.maxMessageSize, DEFAULT_MAX_MESSAGE_SIZE);
  const skipOversize = oneOf("oversize", options.oversize, ["error", "skip"], "error") === "skip";
  const unterminated = oneOf("unterminatedLine", options.unterminatedLine, ["deliver", "error"], "deliver");
  const skipEmpty = flag("skipEmpty", options.skipEmpty, defaults.skipEmpty);
  const stripBom = flag("stripBom", options.stripBom, defaults.stripBom);
  const allowDelimiter = flag("allowDelimiter", options.allowDelimiter, false);
  const invalidUtf8 =
    format === "bytes" ? "error" : oneOf("invalidUtf8", options.invalidUtf8, ["error", "replace", "skip"], "error");
  const invalidJson =
    format === "json" ? oneOf("invalidJson", options.invalidJson, ["error", "skip"], "error") : "error";
  return {
    name: defaults.name,
    format,
    delimiter,
    stripCR,
    maxMessageSize,
    skipOversize,
    failUnterminated: unterminated === "error",
    skipEmpty,
    stripBom,
    allowDelimiter,
    invalidUtf8,
    skipInvalidJson: invalidJson === "skip",
    jsonMayHoldDelimiter: !controlCharactersOnly(delimiter.text),
    slab: new WriteSlab(),
  };
}

// ---- the delimiter ------------------------------------------------------------------------------

const utf8Encoder = new TextEncoder();
/** Decodes whole UTF-8 inputs (never streaming, so one decoder serves every caller), failing on invalid bytes. */
export const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** A resolved delimiter: its bytes, plus what the fast paths need to know about them. */
export interface Delimiter {
  /** The delimiter bytes (at least one). */
  readonly bytes: Uint8Array;
  /** The delimiter as text when its bytes are valid UTF-8 (a string delimiter always is), else undefined. */
  readonly text: string | undefined;
  /**
   * True when no proper prefix of the delimiter equals a suffix of it ("\n", "\r\n", "\0"; not "--" or "aba").
   * Only then can two occurrences never overlap, so the last occurrence in a chunk found by scanning
   * backwards is also an occurrence of the left-to-right split, which the batch path relies on.
   */
  readonly borderless: boolean;
}

/** The default delimiter: LF. */
const LF = 0x0a;
/** Carriage return, stripped before the delimiter when `stripCR` is on. */
export const CR = 0x0d;

/**
 * Resolve the `delimiter` option. Throws a `TypeError` for an empty delimiter or a wrong type.
 *
 * @example
 * ```ts
 * resolveDelimiter("\r\n"); // { bytes: Uint8Array [13, 10], text: "\r\n", borderless: true }
 * ```
 */
function resolveDelimiter(option: string | Uint8Array | undefined): Delimiter {
  const value = option ?? "\n";
  let bytes: Uint8Array;
  let text: string | undefined;
  if (typeof value === "string") {
    bytes = utf8Encoder.encode(value);
    text = value;
  } else if (value instanceof Uint8Array) {
    bytes = value.slice();
    text = decodeIfUtf8(bytes);
  } else {
    throw new TypeError(`delimiter must be a string or a Uint8Array, got ${typeof value}`);
  }
  if (bytes.length === 0) throw new TypeError("delimiter must not be empty");
  return { bytes, text, borderless: hasNoBorder(bytes) };
}

/** True for text made of control characters only (below U+0020), which `JSON.stringify` always escapes. */
function controlCharactersOnly(text: string | undefined): boolean {
  if (text === undefined) return false;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x20) return false;
  return true;
}

function decodeIfUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

function hasNoBorder(bytes: Uint8Array): boolean {
  for (let size = 1; size < bytes.length; size++) {
    let same = true;
    for (let i = 0; i < size && same; i++) same = bytes[i] === bytes[bytes.length - size + i];
    if (same) return false;
  }
  return true;
}

/** Position of the first occurrence of `delimiter` in `bytes`, or -1 (used by the encoder, not the hot path). */
export function indexOfBytes(bytes: Uint8Array, delimiter: Uint8Array): number {
  const first = delimiter[0];
  const size = delimiter.length;
  let at = bytes.indexOf(first);
  while (at !== -1 && at + size <= bytes.length) {
    let same = true;
    for (let i = 1; i < size && same; i++) same = bytes[at + i] === delimiter[i];
    if (same) return at;
    at = bytes.indexOf(first, at + 1);
  }
  return -1;
}

/** A short printable form of a delimiter for error messages: `"\n"`, `"\r\n"`, `0xff 0x00`. */
export function describeDelimiter(delimiter: Delimiter): string {
  if (delimiter.text !== undefined) return JSON.stringify(delimiter.text);
  return Array.from(delimiter.bytes, (b) => `0x${b.toString(16).padStart(2, "0")}`).join(" ");
}
