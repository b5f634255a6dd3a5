/**
 * The write side of every newline framing: one message (a string, bytes or a JSON value), then the
 * delimiter, refusing what would not read back as exactly that one line.
 */
import { encodeUtf8, FramedError, type SessionSink } from "@framed/core";
import { CR, describeDelimiter, indexOfBytes, type LineSettings } from "./options.ts";

function tooLarge(size: number, settings: LineSettings): FramedError {
  return new FramedError(
    "MESSAGE_TOO_LARGE",
    `cannot send a ${size}-byte line: maxMessageSize is ${settings.maxMessageSize} bytes`,
  );
}

function containsDelimiter(settings: LineSettings): FramedError {
  return new FramedError(
    "INVALID_MESSAGE",
    `cannot send a message containing the delimiter ${describeDelimiter(settings.delimiter)}: it would read back as several lines (set allowDelimiter to send it anyway)`,
  );
}

function endsWithCR(): FramedError {
  return new FramedError(
    "INVALID_MESSAGE",
    "cannot send a message ending in CR: the reader strips a CR before the delimiter (set allowDelimiter to send it anyway)",
  );
}

/** Where encoded lines go: the session's sink. */
export type LineWriter = Pick<SessionSink<unknown>, "write" | "writeSlab">;

/**
 * Write `message` and the delimiter to `out`, or throw `INVALID_MESSAGE` (a message of the wrong type, one
 * holding the delimiter, a value JSON cannot write) or `MESSAGE_TOO_LARGE`.
 */
export function encodeLine(message: unknown, settings: LineSettings, out: LineWriter): void {
  // Only a dispatch, small enough to be inlined into `send`: each format's work is its own function.
  if (settings.format === "text") encodeTextMessage(message, settings, out);
  else if (settings.format === "bytes") encodeBytesMessage(message, settings, out);
  else encodeJsonMessage(message, settings, out);
}

function encodeTextMessage(message: unknown, settings: LineSettings, out: LineWriter): void {
  if (typeof message !== "string") {
    throw new FramedError("INVALID_MESSAGE", `newline sends strings, got ${describeType(message)}`);
  }
  encodeTextLine(message, settings, out);
}

function encodeBytesMessage(message: unknown, settings: LineSettings, out: LineWriter): void {
  if (!(message instanceof Uint8Array)) {
    throw new FramedError("INVALID_MESSAGE", `newline-bytes sends Uint8Array records, got ${describeType(message)}`);
  }
  encodeBytesLine(message, settings, out);
}

function encodeJsonMessage(message: unknown, settings: LineSettings, out: LineWriter): void {
  let text: string | undefined;
  try {
    text = JSON.stringify(message);
  } catch (cause) {
    throw new FramedError("INVALID_MESSAGE", `cannot send as JSON: ${(cause as Error).message}`, { cause });
  }
  if (text === undefined) {
    throw new FramedError("INVALID_MESSAGE", `cannot send ${typeof message} as JSON: JSON.stringify gave nothing`);
  }
  // JSON text never holds a raw control character, so a delimiter made of them needs no search.
  encodeTextLine(text, settings, out, settings.jsonMayHoldDelimiter);
}

/**
 * Write `text` as one UTF-8 line. `checkDelimiter: false` skips the delimiter search when the caller
 * knows the text cannot contain it.
 */
function encodeTextLine(text: string, settings: LineSettings, out: LineWriter, checkDelimiter = true): void {
  // Every UTF-16 unit encodes to at least one byte, so this refuses a huge string before encoding it.
  if (text.length > settings.maxMessageSize) throw tooLarge(text.length, settings);
  const delimiter = settings.delimiter;
  const check = checkDelimiter && !settings.allowDelimiter;
  if (delimiter.text !== undefined) {
    if (check) {
      if (hidesDelimiter(text, delimiter.text)) throw containsDelimiter(settings);
      if (settings.stripCR && text.charCodeAt(text.length - 1) === CR) throw endsWithCR();
    }
    // Text and delimiter written in place into the write slab: no view of their own.
    const slab = settings.slab;
    const lineSize = slab.writeUtf8(text, delimiter.bytes);
    if (lineSize === -1) {
      // A long line: its bytes, then the delimiter as a second write (the stream layer coalesces them).
      const bytes = encodeUtf8(text);
      if (bytes.length > settings.maxMessageSize) throw tooLarge(bytes.length, settings);
      out.write(bytes);
      out.write(delimiter.bytes);
      return;
    }
    const size = lineSize - delimiter.bytes.length;
    if (size > settings.maxMessageSize) throw tooLarge(size, settings);
    slab.send(out, lineSize);
    return;
  }
  encodeBytesLine(encodeUtf8(text), settings, out, check);
}

/** True when `text` followed by the delimiter would not read back as exactly one line. */
function hidesDelimiter(text: string, delimiterText: string): boolean {
  if (delimiterText.length === 1) return text.indexOf(delimiterText) !== -1;
  // A longer delimiter can also start in the text's end and run into ours ("a-" before "--").
  return (text + delimiterText).indexOf(delimiterText) !== text.length;
}

/** Write `bytes` as one line, then the delimiter. */
function encodeBytesLine(
  bytes: Uint8Array,
  settings: LineSettings,
  out: LineWriter,
  check = !settings.allowDelimiter,
): void {
  if (bytes.length > settings.maxMessageSize) throw tooLarge(bytes.length, settings);
  const delimiter = settings.delimiter.bytes;
  if (check) {
    const found = delimiter.length === 1 ? bytes.indexOf(delimiter[0]) : indexOfBytes(bytes, delimiter);
    if (found !== -1 || runsIntoDelimiter(bytes, settings)) throw containsDelimiter(settings);
    if (settings.stripCR && bytes.length > 0 && bytes[bytes.length - 1] === CR) throw endsWithCR();
  }
  if (bytes.length > 0) out.write(bytes);
  out.write(delimiter);
}

/** True when the end of `bytes` and the delimiter together hold an earlier delimiter ("a-" then "--"). */
function runsIntoDelimiter(bytes: Uint8Array, settings: LineSettings): boolean {
  if (settings.delimiter.borderless) return false;
  const delimiter = settings.delimiter.bytes;
  const tail = bytes.subarray(Math.max(0, bytes.length - delimiter.length + 1));
  const joined = new Uint8Array(tail.length + delimiter.length);
  joined.set(tail);
  joined.set(delimiter, tail.length);
  return indexOfBytes(joined, delimiter) !== tail.length;
}

/** A short description of a value's type for error messages. */
function describeType(value: unknown): string {
  if (value === null) return "null";
  if (value instanceof Uint8Array) return "a Uint8Array";
  return typeof value === "object" ? `an object (${value.constructor?.name ?? "Object"})` : `a ${typeof value}`;
}
