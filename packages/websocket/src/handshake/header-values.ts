/**
 * The small grammar pieces of HTTP header values a handshake needs: tokens, comma lists, and the
 * subprotocol list of `Sec-WebSocket-Protocol`.
 */

/** RFC 9110 `tchar`: the characters allowed in a token, indexed by char code. */
const TOKEN_CHARS = new Uint8Array(128);
for (const char of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
  TOKEN_CHARS[char.charCodeAt(0)] = 1;
}

/** True when `code` may appear in an HTTP token. */
export function isTokenChar(code: number): boolean {
  return code < 128 && TOKEN_CHARS[code] === 1;
}

/** True when `text` is a non-empty HTTP token. */
export function isToken(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) if (!isTokenChar(text.charCodeAt(i))) return false;
  return true;
}

/**
 * True when `text` holds a control character (0x00–0x1f or 0x7f) other than horizontal tab, which
 * RFC 9110 §5.5 forbids in field values. Bytes 0x80–0xff (obs-text) are allowed.
 */
export function hasControlChar(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return true;
  }
  return false;
}

/**
 * Split a comma-separated header value into trimmed elements, dropping empty ones (RFC 9110 §5.6.1
 * asks recipients to accept `a, , b`).
 */
export function splitList(value: string): string[] {
  const items: string[] = [];
  for (const part of value.split(",")) {
    const item = part.trim();
    if (item.length > 0) items.push(item);
  }
  return items;
}

/** True when the comma list `value` holds `token`, compared case-insensitively (`Connection: keep-alive, Upgrade`). */
export function hasToken(value: string | undefined, token: string): boolean {
  if (value === undefined) return false;
  const wanted = token.toLowerCase();
  // Scanned in place: every handshake asks this twice, and splitting would allocate each element.
  let start = 0;
  while (start <= value.length) {
    let end = value.indexOf(",", start);
    if (end === -1) end = value.length;
    const from = skipSpaces(value, start, end);
    const to = trimmedEnd(value, from, end);
    if (to - from === wanted.length && equalsIgnoringCase(value, from, wanted)) return true;
    start = end + 1;
  }
  return false;
}

/**
 * True when `text` from `offset` matches the lower-case ASCII `lower` ignoring ASCII case, without making
 * a lower-case copy. `text` must have `lower.length` characters from `offset`.
 */
export function equalsIgnoringCase(text: string, offset: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    let code = text.charCodeAt(offset + i);
    if (code >= 0x41 && code <= 0x5a) code += 0x20;
    if (code !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** HTTP optional whitespace (RFC 9110 §5.6.3). */
function isSpaceOrTab(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** The first index in `text[from, to)` that is not a space or tab (`to` when all are). */
export function skipSpaces(text: string, from: number, to: number): number {
  let at = from;
  while (at < to && isSpaceOrTab(text.charCodeAt(at))) at++;
  return at;
}

/** The end of `text[from, to)` without its trailing spaces and tabs. */
export function trimmedEnd(text: string, from: number, to: number): number {
  let at = to;
  while (at > from && isSpaceOrTab(text.charCodeAt(at - 1))) at--;
  return at;
}

/**
 * Parse `Sec-WebSocket-Protocol`: a list of distinct tokens (RFC 6455 §4.1). Returns undefined when the
 * value is malformed (a non-token element or a duplicate), so the caller can refuse it with its own error.
 */
export function parseProtocolList(value: string): string[] | undefined {
  const protocols = splitList(value);
  const seen = new Set<string>();
  for (const protocol of protocols) {
    if (!isToken(protocol) || seen.has(protocol)) return undefined;
    seen.add(protocol);
  }
  return protocols;
}
