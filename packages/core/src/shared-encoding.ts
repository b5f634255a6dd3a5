/**
 * `sessionEncoding`: a {@link SharedEncoding} made from a session's own `send`, for framings whose server
 * sessions encode without per-connection state (length prefix, lines, unmasked WebSocket frames).
 */
import { concatBytes } from "./bytes.ts";
import type { FramingSession, SessionSink, SharedEncoding } from "./framing.ts";

/**
 * Encode with one private session opened on a sink that keeps what it writes: the bytes are then exactly
 * what `send` writes, with no second encoder to keep in step. Only for sessions whose `send` output does not
 * depend on earlier sends or on anything the peer said.
 *
 * @example
 * ```ts
 * const encoding = sessionEncoding("length-prefix:uint32be", (sink) => framing.open(sink, { role: "server" }));
 * const bytes = encoding.encode(new Uint8Array([1, 2])); // 00 00 00 02 01 02
 * ```
 */
export function sessionEncoding<T>(key: string, open: (sink: SessionSink<T>) => FramingSession<T>): SharedEncoding<T> {
  return new SessionEncoding(key, open);
}

class SessionEncoding<T> implements SharedEncoding<T>, SessionSink<T> {
  /** Opened on the first `encode`: most connections' encodings are never asked to encode. */
  private session: FramingSession<T> | undefined;
  private chunks: Uint8Array[] = [];

  constructor(
    readonly key: string,
    private readonly open: (sink: SessionSink<T>) => FramingSession<T>,
  ) {}

  encode(message: T): Uint8Array {
    this.chunks = [];
    this.session ??= this.open(this);
    try {
      this.session.send(message);
    } catch (error) {
      this.chunks = [];
      throw error;
    }
    const chunks = this.chunks;
    this.chunks = [];
    return chunks.length === 1 ? chunks[0] : concatBytes(chunks);
  }

  // ---- SessionSink: only writes happen (nothing is ever received) ------------------------------

  write(bytes: Uint8Array): void {
    // A copy: the session may hand out views of a buffer it reuses, or of the caller's payload.
    this.chunks.push(bytes.slice());
  }

  message(): void {}

  warn(): void {}

  end(): void {}
}
