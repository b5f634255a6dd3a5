/**
 * Recognises an HTTP request or response where a length header was expected, so that the common mistake (a
 * browser, curl or a WebSocket client pointed at a length-prefix port) gets an error that says so, rather than
 * "message 1 declares 1195725856 bytes" (the bytes "GET " read as a uint32be length).
 */

const HTTP_STARTS = ["GET ", "POST ", "PUT ", "HEAD ", "DELETE ", "OPTIONS ", "PATCH ", "CONNECT ", "TRACE ", "HTTP/"];
const LONGEST_START = 8;
const SHOWN = 40;

/**
 * The first line of `bytes[position, end)` when it starts like HTTP (`GET /chat HTTP/1.1`), cut to 40
 * characters; undefined otherwise.
 */
export function httpLikeLine(bytes: Uint8Array, position: number, end: number): string | undefined {
  let start = "";
  for (let i = position; i < end && i < position + LONGEST_START; i++) start += String.fromCharCode(bytes[i]);
  if (!HTTP_STARTS.some((method) => start.startsWith(method))) return undefined;
  let line = "";
  for (let i = position; i < end && line.length < SHOWN; i++) {
    const byte = bytes[i];
    if (byte === 13 || byte === 10) break;
    line += byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : "?";
  }
  return line;
}
