/**
 * `Sec-WebSocket-Extensions` syntax (RFC 6455 §9.1): parse a header value into offers, and format them back.
 *
 * ```
 * Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits, permessage-deflate; server_max_window_bits="10"
 *                           └ name ──────────┘  └ param (no value) ──┘  └ second offer, quoted value ───────────────┘
 * ```
 */
import { isToken, isTokenChar } from "./header-values.ts";

/** One parameter of an extension: `true` when it has no value. Quoted values are unescaped. */
export interface ExtensionParam {
  name: string;
  value: string | true;
}

/** One element of the list: an extension name with its parameters, as sent (duplicates kept). */
export interface ExtensionOffer {
  name: string;
  params: ExtensionParam[];
}

/** Thrown by {@link parseExtensionHeader} for a value that does not follow the grammar. */
export class ExtensionSyntaxError extends Error {
  override readonly name = "ExtensionSyntaxError";
}

const SPACE = 0x20;
const TAB = 0x09;
const COMMA = 0x2c;
const SEMICOLON = 0x3b;
const EQUALS = 0x3d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Parse a `Sec-WebSocket-Extensions` value (several header lines joined with ", " are one value).
 * Names are lower-cased; empty list elements are skipped. A quoted value must unescape to a token.
 *
 * @throws ExtensionSyntaxError when the value breaks the grammar, with the offending position.
 * @example
 * ```ts
 * parseExtensionHeader('permessage-deflate; server_max_window_bits="10"');
 * // [{ name: "permessage-deflate", params: [{ name: "server_max_window_bits", value: "10" }] }]
 * ```
 */
export function parseExtensionHeader(header: string): ExtensionOffer[] {
  const offers: ExtensionOffer[] = [];
  let i = 0;
  const length = header.length;

  const skipSpace = () => {
    while (i < length && (header.charCodeAt(i) === SPACE || header.charCodeAt(i) === TAB)) i++;
  };
  const fail = (what: string): never => {
    throw new ExtensionSyntaxError(`${what} at index ${i} of Sec-WebSocket-Extensions "${header}"`);
  };
  const readToken = (what: string): string => {
    const start = i;
    while (i < length && isTokenChar(header.charCodeAt(i))) i++;
    if (i === start) fail(`expected ${what}`);
    return header.slice(start, i);
  };
  const readQuoted = (): string => {
    i++; // opening quote
    let value = "";
    while (i < length) {
      const code = header.charCodeAt(i);
      if (code === QUOTE) {
        i++;
        if (!isToken(value)) fail("a quoted parameter value must be a token once unescaped");
        return value;
      }
      if (code === BACKSLASH) {
        i++;
        if (i >= length) break;
      }
      value += header[i];
      i++;
    }
    return fail("unterminated quoted string");
  };

  while (i < length) {
    skipSpace();
    if (i >= length) break;
    if (header.charCodeAt(i) === COMMA) {
      i++;
      continue;
    }
    const offer: ExtensionOffer = { name: readToken("an extension name").toLowerCase(), params: [] };
    skipSpace();
    while (i < length && header.charCodeAt(i) === SEMICOLON) {
      i++;
      skipSpace();
      const name = readToken("a parameter name").toLowerCase();
      skipSpace();
      let value: string | true = true;
      if (i < length && header.charCodeAt(i) === EQUALS) {
        i++;
        skipSpace();
        value = i < length && header.charCodeAt(i) === QUOTE ? readQuoted() : readToken("a parameter value");
        skipSpace();
      }
      offer.params.push({ name, value });
    }
    offers.push(offer);
    if (i < length && header.charCodeAt(i) !== COMMA) fail("expected ',' or ';'");
  }
  return offers;
}

/**
 * Format offers as a header value: `name; param; param=value, name…`. Values are tokens here, so they are
 * written without quotes.
 *
 * @example
 * ```ts
 * formatExtensionHeader([{ name: "permessage-deflate", params: [{ name: "client_max_window_bits", value: true }] }]);
 * // "permessage-deflate; client_max_window_bits"
 * ```
 */
export function formatExtensionHeader(offers: readonly ExtensionOffer[]): string {
  return offers
    .map((offer) => {
      let text = offer.name;
      for (const param of offer.params)
        text += param.value === true ? `; ${param.name}` : `; ${param.name}=${param.value}`;
      return text;
    })
    .join(", ");
}
