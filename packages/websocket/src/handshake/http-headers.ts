/**
 * `HttpHeaders`: the header fields of one HTTP/1.1 message head, looked up case-insensitively.
 */
import { equalsIgnoringCase } from "./header-values.ts";

/**
 * Header fields in arrival order, with case-insensitive lookup. Values are kept as sent (without the
 * surrounding whitespace); repeated fields stay separate so a handshake can refuse duplicates.
 *
 * @example
 * ```ts
 * const headers = HttpHeaders.fromPairs(["Host", "example.com", "Upgrade", "websocket"]);
 * headers.get("host"); // "example.com"
 * ```
 */
export class HttpHeaders {
  // Flat `[name, value, name, value…]` with no index: an accepted connection keeps its request for its
  // whole life, and a map plus an array per field cost about 1 KB per connection for a dozen lookups
  // made once, during the handshake.
  private readonly pairs: string[] = [];

  /** Headers from a flat `[name, value, name, value…]` list, like Node's `IncomingMessage.rawHeaders`. */
  static fromPairs(pairs: readonly string[]): HttpHeaders {
    const headers = new HttpHeaders();
    for (let i = 0; i + 1 < pairs.length; i += 2) headers.pairs.push(pairs[i], pairs[i + 1]);
    return headers;
  }

  /** Add one field (no validation: the parser validates what it reads). */
  append(name: string, value: string): void {
    this.pairs.push(name, value);
  }

  /** All values of a field joined with ", " (RFC 9110 §5.3), or undefined when absent. */
  get(name: string): string | undefined {
    const key = name.toLowerCase();
    const pairs = this.pairs;
    let joined: string | undefined;
    for (let i = 0; i < pairs.length; i += 2) {
      if (!sameName(pairs[i], key)) continue;
      joined = joined === undefined ? pairs[i + 1] : `${joined}, ${pairs[i + 1]}`;
    }
    return joined;
  }

  /** Each occurrence of a field, in order. */
  getAll(name: string): readonly string[] {
    const key = name.toLowerCase();
    const values: string[] = [];
    const pairs = this.pairs;
    for (let i = 0; i < pairs.length; i += 2) if (sameName(pairs[i], key)) values.push(pairs[i + 1]);
    return values;
  }

  has(name: string): boolean {
    return this.count(name) > 0;
  }

  /** How many times a field occurs. */
  count(name: string): number {
    const key = name.toLowerCase();
    const pairs = this.pairs;
    let count = 0;
    for (let i = 0; i < pairs.length; i += 2) if (sameName(pairs[i], key)) count++;
    return count;
  }

  /** Every field as `[name, value]`, in arrival order, names as sent. */
  *entries(): IterableIterator<[string, string]> {
    const pairs = this.pairs;
    for (let i = 0; i < pairs.length; i += 2) yield [pairs[i], pairs[i + 1]];
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

/** `name` equals the lower-case `key`, ignoring case (no lower-case copy per comparison). */
function sameName(name: string, key: string): boolean {
  return name.length === key.length && (name === key || equalsIgnoringCase(name, 0, key));
}
