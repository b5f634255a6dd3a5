/**
 * `LineSession`: core's `FramingSession` for the three newline framings, joining the {@link LineDecoder}
 * (bytes in) and {@link encodeLine} (messages out); `lineFraming` opens one per connection.
 */
import {
  FramedError,
  type Framing,
  type FramingSession,
  type SessionSink,
  type SharedEncoding,
  sessionEncoding,
} from "@framed/core";
import { LineDecoder } from "./decoder.ts";
import { encodeLine } from "./encoder.ts";
import type { LineSettings } from "./options.ts";

export class LineSession<T> implements FramingSession<T> {
  private closing = false;
  private readonly decoder: LineDecoder<T>;

  constructor(
    private readonly sink: SessionSink<T>,
    private readonly settings: LineSettings,
    /** Lines carry no per-connection state, so every session of one framing shares this. */
    readonly sharedEncoding?: SharedEncoding<T>,
  ) {
    this.decoder = new LineDecoder(settings, sink);
  }

  get midMessage(): boolean {
    return this.decoder.midLine;
  }

  /** Deliver the lines `chunk` completes; bad input ends the session through `sink.end({ error })`. */
  receive(chunk: Uint8Array): void {
    this.decoder.receive(chunk);
  }

  receiveEnd(): void {
    this.decoder.end();
  }

  /**
   * Encode one line. Still allowed after the input ended (EOF or bad input): lines have no close
   * handshake, so answering lines already delivered, or a peer that half-closed
   * (`printf 'q\n' | nc -N`), is ordinary TCP. The stream layer decides when writing stops.
   */
  send(message: T): void {
    if (this.closing) throw this.closed();
    encodeLine(message, this.settings, this.sink);
  }

  /** Write a line `sharedEncoding` made; refused after `close()` as `send` is. */
  sendEncoded(bytes: Uint8Array): void {
    if (this.closing) throw this.closed();
    this.sink.write(bytes);
  }

  /** Lines have no close message: the transport can close once writes are flushed. */
  close(): boolean {
    this.closing = true;
    return false;
  }

  private closed(): FramedError {
    return new FramedError("CLOSED", `cannot send: the ${this.settings.name} session is closing`);
  }
}

/** The framing for `settings`: one {@link LineSession} per connection. */
export function lineFraming<T>(settings: LineSettings): Framing<T> {
  let shared: SharedEncoding<T> | undefined;
  return {
    name: settings.name,
    open: (sink) => {
      shared ??= sessionEncoding(lineEncodingKey(settings), (own) => new LineSession(own, settings));
      return new LineSession(sink, settings, shared);
    },
  };
}

/**
 * Everything a line's bytes (or its refusal) depend on. Only plain settings, so equal keys from two
 * framings really encode alike; ndjson adds nothing (its encoder is JSON.stringify, no options).
 */
function lineEncodingKey(settings: LineSettings): string {
  const { name, delimiter, maxMessageSize, allowDelimiter, stripCR } = settings;
  return `${name}:${delimiter.bytes.join(",")}:${maxMessageSize}:${allowDelimiter}:${stripCR}`;
}
