/**
 * Writing HTTP/1.1 response heads for the handshake: the 101 that switches to WebSocket and the
 * plain-text refusals (400, 403, 405, 426, 431…), as bytes ready for the socket.
 */

import { hasControlChar } from "./header-values.ts";

/** Reason phrases for the statuses a handshake answers with. */
const REASONS: Record<number, string> = {
  101: "Switching Protocols",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  409: "Conflict",
  426: "Upgrade Required",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  503: "Service Unavailable",
  505: "HTTP Version Not Supported",
};

/** The reason phrase for `status` ("Unknown" for ones a handshake does not use). */
export function reasonPhrase(status: number): string {
  return REASONS[status] ?? "Unknown";
}

/** Header fields as `[name, value]` pairs or a plain record. */
export type HeaderInit = Record<string, string> | Iterable<readonly [string, string]>;

/** Header pairs from either shape. */
export function headerPairs(headers: HeaderInit | undefined): Array<readonly [string, string]> {
  if (!headers) return [];
  if (Symbol.iterator in headers) return [...(headers as Iterable<readonly [string, string]>)];
  return Object.entries(headers);
}

/**
 * Refuse header names that are not tokens and values with control characters (CR and LF would split the head).
 *
 * @throws TypeError naming the field.
 */
export function checkHeaderField(name: string, value: string): void {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) throw new TypeError(`invalid header name "${name}"`);
  if (hasControlChar(value)) throw new TypeError(`header ${name} contains a control character (CR, LF, NUL…)`);
}

const utf8 = new TextEncoder();
const NO_BODY = new Uint8Array(0);

/**
 * Encode a head (and body) as bytes: the head is ASCII/Latin-1, the body UTF-8. Written straight into
 * the result, so a handshake leaves no concatenated strings behind.
 */
function encodeMessage(startLine: string, headers: ReadonlyArray<readonly [string, string]>, body = ""): Uint8Array {
  let headSize = startLine.length + 4; // its CRLF and the blank line's
  for (const [name, value] of headers) headSize += name.length + value.length + 4; // ": " and CRLF
  const bodyBytes = body === "" ? NO_BODY : utf8.encode(body);
  const bytes = new Uint8Array(headSize + bodyBytes.length);
  let at = writeLatin1(bytes, 0, startLine);
  at = writeLatin1(bytes, at, "\r\n");
  for (const [name, value] of headers) {
    at = writeLatin1(bytes, at, name);
    at = writeLatin1(bytes, at, ": ");
    at = writeLatin1(bytes, at, value);
    at = writeLatin1(bytes, at, "\r\n");
  }
  at = writeLatin1(bytes, at, "\r\n");
  bytes.set(bodyBytes, at);
  return bytes;
}

function writeLatin1(bytes: Uint8Array, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) bytes[at + i] = text.charCodeAt(i) & 0xff;
  return at + text.length;
}

/** Encode a request or response head without a body. */
export function encodeHead(startLine: string, headers: ReadonlyArray<readonly [string, string]>): Uint8Array {
  return encodeMessage(startLine, headers);
}

/** What a 101 response carries beyond the fixed fields. */
export interface SwitchingProtocolsFields {
  accept: string;
  /** The chosen subprotocol, "" for none. */
  protocol: string;
  /** The `Sec-WebSocket-Extensions` value, "" for none. */
  extensions: string;
  headers?: HeaderInit;
}

/**
 * The `101 Switching Protocols` response.
 *
 * @example
 * ```ts
 * socket.write(switchingProtocols({ accept: computeAccept(key), protocol: "", extensions: "" }));
 * ```
 */
export function switchingProtocols(fields: SwitchingProtocolsFields): Uint8Array {
  const headers: Array<readonly [string, string]> = [
    ["Upgrade", "websocket"],
    ["Connection", "Upgrade"],
    ["Sec-WebSocket-Accept", fields.accept],
  ];
  if (fields.protocol) headers.push(["Sec-WebSocket-Protocol", fields.protocol]);
  if (fields.extensions) headers.push(["Sec-WebSocket-Extensions", fields.extensions]);
  for (const [name, value] of headerPairs(fields.headers)) {
    checkHeaderField(name, value);
    headers.push([name, value]);
  }
  return encodeMessage("HTTP/1.1 101 Switching Protocols", headers);
}

/**
 * A refusal: `status`, a plain-text body saying why, `Connection: close`, and the fields the status
 * calls for (426 names the version we speak and the upgrade we want, 405 the method we allow).
 *
 * @example
 * ```ts
 * socket.end(refusal(426, "Sec-WebSocket-Version must be 13"));
 * ```
 */
export function refusal(status: number, message: string, extra?: HeaderInit): Uint8Array {
  const body = `${message}\n`;
  const headers: Array<readonly [string, string]> = [
    ["Connection", "close"],
    ["Content-Type", "text/plain; charset=utf-8"],
    ["Content-Length", String(utf8.encode(body).length)],
  ];
  if (status === 426) headers.push(["Upgrade", "websocket"], ["Sec-WebSocket-Version", "13"]);
  if (status === 405) headers.push(["Allow", "GET"]);
  for (const [name, value] of headerPairs(extra)) {
    checkHeaderField(name, value);
    headers.push([name, value]);
  }
  const reason = reasonPhrase(status);
  return encodeMessage(`HTTP/1.1 ${status} ${reason}`, headers, body);
}
