/**
 * HTTP/1.1 message heads from bytes, sans-I/O: an incremental reader that waits for the blank line
 * under a size cap, and strict parsers for a request head and a response head.
 *
 * ```
 * GET /chat HTTP/1.1\r\n              ← start line
 * Host: example.com\r\n               ← header fields, "name: value"
 * Upgrade: websocket\r\n
 * \r\n                                ← end of head; any bytes after it are `rest` (frames, same packet)
 * ```
 */
import { ByteQueue, FramedError } from "@framed/core";
import { hasControlChar, isToken, skipSpaces, trimmedEnd } from "./header-values.ts";
import { HttpHeaders } from "./http-headers.ts";

/** Default cap on a handshake head, terminator included: 16 KiB (Node's own default is the same). */
export const DEFAULT_MAX_HEADER_SIZE = 16 * 1024;

/** A complete head as text (bytes read as Latin-1, terminator removed) and the bytes that followed it. */
export interface RawHead {
  text: string;
  rest: Uint8Array;
}

/** A parsed request head. `version` is the part after "HTTP/", e.g. "1.1". */
export interface RequestHead {
  method: string;
  target: string;
  version: string;
  headers: HttpHeaders;
}

/** A parsed response head. */
export interface ResponseHead {
  version: string;
  status: number;
  reason: string;
  headers: HttpHeaders;
}

const CR = 0x0d;
const LF = 0x0a;

/**
 * Collects bytes until the `\r\n\r\n` that ends an HTTP head. Each byte is scanned once (the scan
 * position is kept between pushes), with native `indexOf` for the line feeds.
 *
 * @example
 * ```ts
 * const reader = new HttpHeadReader("request");
 * socket.on("data", (chunk) => {
 *   const head = reader.push(chunk); // undefined: need more bytes
 *   if (head) handle(parseRequestHead(head.text), head.rest);
 * });
 * ```
 */
export class HttpHeadReader {
  /** A head that arrives in several reads is gathered here (made at the first such read). */
  private queue: ByteQueue | undefined;
  private scanned = 0;
  private done = false;
  /** How much of the start line has been checked; -1 once it is complete and valid. */
  private startChecked = 0;

  /**
   * @param kind what is being read, for the error a too-large head gets: a request is refused with 431,
   *   a response fails without a status.
   */
  constructor(
    private readonly kind: "request" | "response",
    private readonly maxSize: number = DEFAULT_MAX_HEADER_SIZE,
  ) {}

  /** Bytes received so far without a complete head (for an error that says what arrived). */
  get buffered(): number {
    return this.queue === undefined ? 0 : this.queue.length;
  }

  /**
   * Add bytes. Returns the head once the blank line has arrived (then the reader is spent), or undefined
   * while more is needed.
   *
   * @throws FramedError `HANDSHAKE_FAILED` (status 431 for a request) when the head passes `maxSize`.
   */
  push(chunk: Uint8Array): RawHead | undefined {
    if (this.done) throw new Error("HttpHeadReader.push called after the head was complete");
    // The usual case, a whole head in one read, is cut straight out of the chunk.
    if (this.queue === undefined) {
      const end = headEnd(chunk, Math.min(chunk.length, this.maxSize));
      if (end !== -1) {
        this.done = true;
        return { text: latin1(chunk.subarray(0, end)), rest: chunk.subarray(end + 4) };
      }
      this.queue = new ByteQueue();
    }
    const queue = this.queue;
    queue.push(chunk);
    if (this.startChecked !== -1) this.checkStartLine(queue);
    const limit = Math.min(queue.length, this.maxSize);
    let lineFeed = queue.indexOf(LF, this.scanned);
    while (lineFeed !== -1 && lineFeed < limit) {
      if (
        lineFeed >= 3 &&
        queue.byteAt(lineFeed - 1) === CR &&
        queue.byteAt(lineFeed - 2) === LF &&
        queue.byteAt(lineFeed - 3) === CR
      ) {
        this.done = true;
        const text = latin1(queue.take(lineFeed - 3));
        queue.skip(4);
        const rest = queue.take(queue.length);
        return { text, rest };
      }
      lineFeed = queue.indexOf(LF, lineFeed + 1);
    }
    this.scanned = limit;
    if (queue.length >= this.maxSize) {
      const what = this.kind === "request" ? "request" : "response";
      throw new FramedError("HANDSHAKE_FAILED", `the handshake ${what} head is larger than ${this.maxSize} bytes`, {
        status: this.kind === "request" ? 431 : undefined,
      });
    }
    return undefined;
  }

  /**
   * Fail at once when the bytes so far cannot begin an HTTP head (a newline or length-prefix peer on a
   * WebSocket port, or a WebSocket client on theirs), instead of waiting for a blank line that never comes.
   */
  private checkStartLine(queue: ByteQueue): void {
    const limit = Math.min(queue.length, this.maxSize);
    for (let i = this.startChecked; i < limit; i++) {
      const byte = queue.byteAt(i);
      if (byte === LF) {
        let line = "";
        for (let j = 0; j < i; j++) line += String.fromCharCode(queue.byteAt(j));
        if (line.endsWith("\r")) line = line.slice(0, -1);
        if (!(this.kind === "request" ? REQUEST_LINE : STATUS_LINE).test(line))
          throw this.notHttp(`the first line is ${quoteStart(line)}`);
        this.startChecked = -1;
        return;
      }
      // Control characters never begin a head; obs-text (0x80–0xff) may stand in a request target.
      if ((byte < 0x20 && byte !== CR && byte !== 0x09) || byte === 0x7f) {
        throw this.notHttp(`byte 0x${byte.toString(16).padStart(2, "0")} at offset ${i} cannot begin one`);
      }
    }
    this.startChecked = limit;
  }

  private notHttp(why: string): FramedError {
    const what = this.kind === "request" ? "an HTTP request" : "an HTTP response";
    return new FramedError("HANDSHAKE_FAILED", `the peer did not send ${what}: ${why}`, {
      status: this.kind === "request" ? 400 : undefined,
    });
  }
}

/** A start line as quoted in an error, cut to 40 characters. */
function quoteStart(line: string): string {
  return JSON.stringify(line.length > 40 ? `${line.slice(0, 40)}…` : line);
}

function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] > 0x7f) return false;
  return true;
}

/** Where the blank line ending a head (CR LF CR LF) starts in `bytes`, looking only before `limit`; -1: not there. */
function headEnd(bytes: Uint8Array, limit: number): number {
  let lineFeed = bytes.indexOf(LF);
  while (lineFeed !== -1 && lineFeed < limit) {
    if (lineFeed >= 3 && bytes[lineFeed - 1] === CR && bytes[lineFeed - 2] === LF && bytes[lineFeed - 3] === CR) {
      return lineFeed - 3;
    }
    lineFeed = bytes.indexOf(LF, lineFeed + 1);
  }
  return -1;
}

const ascii = new TextDecoder();

/**
 * Bytes as Latin-1 text (one char per byte). A head is nearly always ASCII, which the native UTF-8 decoder
 * turns into the same string without the argument list `fromCharCode` needs; other bytes go in slices
 * so that list stays small (WHATWG's "latin1" decoder is windows-1252, which differs in 0x80–0x9F).
 */
function latin1(bytes: Uint8Array): string {
  if (isAscii(bytes)) return ascii.decode(bytes);
  let text = "";
  for (let i = 0; i < bytes.length; i += 4096) {
    text += String.fromCharCode.apply(null, bytes.subarray(i, i + 4096) as unknown as number[]);
  }
  return text;
}

/** Method, target (visible characters and obs-text, no spaces), version. */
const REQUEST_LINE = /^([^ ]+) ([!-~\u0080-\u00ff]+) HTTP\/(\d\.\d)$/;
/** Version, status, optional reason phrase (checked for control characters separately). */
const STATUS_LINE = /^HTTP\/(\d\.\d) (\d{3})(?: (.*))?$/;

/**
 * Parse a request head's text (from {@link HttpHeadReader}).
 *
 * @throws FramedError `HANDSHAKE_FAILED` with status 400 for a malformed request line or header field.
 * @example
 * ```ts
 * parseRequestHead("GET /chat HTTP/1.1\r\nHost: example.com").target; // "/chat"
 * ```
 */
export function parseRequestHead(text: string): RequestHead {
  const lines = text.split("\r\n");
  const match = REQUEST_LINE.exec(lines[0]);
  if (!match || !isToken(match[1])) throw malformed(`malformed request line "${clip(lines[0])}"`, 400);
  return { method: match[1], target: match[2], version: match[3], headers: parseFields(lines, 400) };
}

/**
 * Parse a response head's text.
 *
 * @throws FramedError `HANDSHAKE_FAILED` for a malformed status line or header field.
 */
export function parseResponseHead(text: string): ResponseHead {
  const lines = text.split("\r\n");
  const match = STATUS_LINE.exec(lines[0]);
  if (!match || hasControlChar(match[3] ?? "")) throw malformed(`malformed status line "${clip(lines[0])}"`, undefined);
  const status = Number(match[2]);
  return { version: match[1], status, reason: match[3] ?? "", headers: parseFields(lines, status) };
}

function parseFields(lines: readonly string[], status: number | undefined): HttpHeaders {
  const headers = new HttpHeaders();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    const colon = line.indexOf(":");
    const name = colon > 0 ? line.slice(0, colon) : "";
    // No colon, an empty or non-token name (which also rules out obs-fold and space before the colon).
    if (!isToken(name)) throw malformed(`malformed header line "${clip(line)}"`, status);
    const from = skipSpaces(line, colon + 1, line.length);
    const value = line.slice(from, trimmedEnd(line, from, line.length));
    if (hasControlChar(value)) throw malformed(`control character in header ${name}`, status);
    headers.append(name, value);
  }
  return headers;
}

function malformed(message: string, status: number | undefined): FramedError {
  return new FramedError("HANDSHAKE_FAILED", message, { status });
}

/** A line for an error message: at most 80 characters, control characters shown as escapes. */
function clip(line: string): string {
  const short = line.length > 80 ? `${line.slice(0, 80)}…` : line;
  return short.replace(/\p{Cc}/gu, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}
