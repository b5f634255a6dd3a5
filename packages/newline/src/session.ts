/**
 * `LineSession`: the FramingSession shared by the three newline framings; the codec decides what a
 * line becomes (string, bytes, JSON value) and how a message is encoded.
 */
import {
  FramedError,
  type Framing,
  type FramingSession,
  type SessionSink,
  type SharedEncoding,
  sessionEncoding,
} from "@framed/core";
import type { LineWriter } from "./line-encoder.ts";
import { type LineHandler, LineSplitter } from "./line-splitter.ts";
import type { LineSettings } from "./options.ts";

/** What a codec's line handler delivers to; implemented by the session. */
export interface LineOutput<T> {
  /** `size`: the bytes the message came from, for a message that is neither bytes nor a string. */
  message(message: T, size?: number): void;
  /** A skipped line (oversize, bad UTF-8, bad JSON with the skip policy). */
  warn(error: FramedError): void;
  /** Bad input that ends the session. */
  fail(error: FramedError): void;
  /** True once the session has ended: batch loops stop delivering. */
  readonly ended: boolean;
}

/** One newline framing's message type: how lines decode and how messages encode. */
export interface LineCodec<T> {
  readonly name: string;
  readonly settings: LineSettings;
  /** The line handler for one session. */
  createHandler(output: LineOutput<T>): LineHandler;
  /** Write one message and its delimiter to `out`, or throw `INVALID_MESSAGE`/`MESSAGE_TOO_LARGE`. */
  encode(message: T, out: LineWriter): void;
}

export class LineSession<T> implements FramingSession<T>, LineOutput<T> {
  ended = false;
  private closing = false;
  private readonly splitter: LineSplitter;

  constructor(
    private readonly sink: SessionSink<T>,
    private readonly codec: LineCodec<T>,
    /** Lines carry no per-connection state, so every session of one framing shares this. */
    readonly sharedEncoding?: SharedEncoding<T>,
  ) {
    this.splitter = new LineSplitter(codec.settings, codec.createHandler(this));
  }

  // ---- LineOutput -------------------------------------------------------------------------------

  message(message: T, size?: number): void {
    this.sink.message(message, size);
  }

  warn(error: FramedError): void {
    this.sink.warn(error);
  }

  fail(error: FramedError): void {
    if (this.ended) return;
    this.ended = true;
    this.splitter.stop();
    this.sink.end({ error });
  }

  // ---- FramingSession ---------------------------------------------------------------------------

  get midMessage(): boolean {
    return !this.ended && this.splitter.midLine;
  }

  receive(chunk: Uint8Array): void {
    if (!this.ended) this.splitter.receive(chunk);
  }

  receiveEnd(): void {
    if (this.ended) return;
    this.splitter.end();
    if (this.ended) return;
    this.ended = true;
    this.sink.end({});
  }

  /**
   * Encode one line. Still allowed after the input ended (EOF or bad input): lines have no close
   * handshake, so answering lines already delivered, or a peer that half-closed
   * (`printf 'q\n' | nc -N`), is ordinary TCP. The stream layer decides when writing stops.
   */
  send(message: T): void {
    if (this.closing) throw new FramedError("CLOSED", `cannot send: the ${this.codec.name} session is closing`);
    this.codec.encode(message, this.sink);
  }

  /** Write a line `sharedEncoding` made; refused after `close()` as `send` is. */
  sendEncoded(bytes: Uint8Array): void {
    if (this.closing) throw new FramedError("CLOSED", `cannot send: the ${this.codec.name} session is closing`);
    this.sink.write(bytes);
  }

  /** Lines have no close message: the transport can close once writes are flushed. */
  close(): boolean {
    this.closing = true;
    return false;
  }
}

/** Wrap a codec as a Framing: one {@link LineSession} per connection. */
export function lineFraming<T>(codec: LineCodec<T>): Framing<T> {
  let shared: SharedEncoding<T> | undefined;
  return {
    name: codec.name,
    open: (sink) => {
      shared ??= sessionEncoding(lineEncodingKey(codec), (own) => new LineSession(own, codec));
      return new LineSession(sink, codec, shared);
    },
  };
}

/**
 * Everything a line's bytes (or its refusal) depend on. Only plain settings, so equal keys from two
 * framings really encode alike; ndjson adds nothing (its encoder is JSON.stringify, no options).
 */
function lineEncodingKey(codec: LineCodec<unknown>): string {
  const { delimiter, maxMessageSize, allowDelimiter, stripCR } = codec.settings;
  return `${codec.name}:${delimiter.bytes.join(",")}:${maxMessageSize}:${allowDelimiter}:${stripCR}`;
}
