/**
 * `HttpHeaders`: the header fields of one HTTP/1.1 message head, looked up case-insensitively.
 */

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
  private readonly fields: Array<[name: string, value: string]> = [];
  private readonly byName = new Map<string, string[]>();

  /** Headers from a flat `[name, value, name, value…]` list, like Node's `IncomingMessage.rawHeaders`. */
  static fromPairs(pairs: readonly string[]): HttpHeaders {
    const headers = new HttpHeaders();
    for (let i = 0; i + 1 < pairs.length; i += 2) headers.append(pairs[i], pairs[i + 1]);
    return headers;
  }

  /** Add one field (no validation: the parser validates what it reads). */
  append(name: string, value: string): void {
    this.fields.push([name, value]);
    const key = name.toLowerCase();
    const values = this.byName.get(key);
    if (values) values.push(value);
    else this.byName.set(key, [value]);
  }

  /** All values of a field joined with ", " (RFC 9110 §5.3), or undefined when absent. */
  get(name: string): string | undefined {
    const values = this.byName.get(name.toLowerCase());
    if (!values) return undefined;
    return values.length === 1 ? values[0] : values.join(", ");
  }

  /** Each occurrence of a field, in order. */
  getAll(name: string): readonly string[] {
    return this.byName.get(name.toLowerCase()) ?? [];
  }

  has(name: string): boolean {
    return this.byName.has(name.toLowerCase());
  }

  /** How many times a field occurs. */
  count(name: string): number {
    return this.byName.get(name.toLowerCase())?.length ?? 0;
  }

  /** Every field as `[name, value]`, in arrival order, names as sent. */
  entries(): IterableIterator<[string, string]> {
    return this.fields[Symbol.iterator]();
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}
