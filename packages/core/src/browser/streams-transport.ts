/**
 * ByteTransport over a WHATWG `{ readable, writable }` pair (WebTransport streams, a TCP-like pair,
 * a fetch body when `writable` is absent).
 */
import type { ByteTransport, TransportEvents } from "../transport.ts";
import { WriteCoalescer } from "../write-coalescer.ts";
import { ReaderLoop } from "./reader-loop.ts";

/** A byte stream pair; leave `writable` out for a read-only transport. */
export interface ByteStreamPair {
  readable: ReadableStream<Uint8Array>;
  writable?: WritableStream<Uint8Array>;
}

/**
 * @example
 * ```ts
 * const transport = streamsTransport({ readable: response.body! });
 * ```
 */
export function streamsTransport(
  pair: ByteStreamPair,
  options: { writableHighWaterMark?: number } = {},
): ByteTransport {
  return new StreamsTransport(pair, options.writableHighWaterMark ?? 1024 * 1024);
}

class StreamsTransport implements ByteTransport {
  readonly writable: boolean;
  private events!: TransportEvents;
  private readonly reading: ReaderLoop;
  private readonly streamWriter: WritableStreamDefaultWriter<Uint8Array> | undefined;
  private readonly coalescer: WriteCoalescer | undefined;
  private readDone = false;
  private writeDone: boolean;
  private closed = false;
  private error: unknown;

  constructor(pair: ByteStreamPair, highWaterMark: number) {
    this.writable = pair.writable !== undefined;
    this.writeDone = !this.writable;
    this.reading = new ReaderLoop(pair.readable);
    const writer = pair.writable?.getWriter();
    this.streamWriter = writer;
    if (writer) {
      this.coalescer = new WriteCoalescer(
        { write: (bytes) => writer.write(bytes) },
        highWaterMark,
        () => this.events.drained(),
        (error) => this.fail(error),
      );
    }
  }

  start(events: TransportEvents): void {
    this.events = events;
    this.reading.start(events, (error) => {
      this.readDone = true;
      if (error !== undefined) this.fail(error);
      else this.maybeClose();
    });
  }

  get bufferedAmount(): number {
    return this.coalescer?.buffered ?? 0;
  }

  write(chunk: Uint8Array): boolean {
    if (this.writeDone || !this.coalescer) return false;
    return this.coalescer.write(chunk);
  }

  pause(): void {
    this.reading.pause();
  }

  resume(): void {
    this.reading.resume();
  }

  end(): void {
    if (this.writeDone) {
      // Read-only: ending means we are done reading too.
      if (!this.writable) this.destroy();
      return;
    }
    this.writeDone = true;
    const writer = this.streamWriter;
    this.coalescer?.idle().then(async () => {
      try {
        await writer?.close();
      } catch {
        // The peer side may already be gone; the read side says how it ended.
      }
      this.maybeClose();
    });
  }

  destroy(error?: unknown): void {
    if (this.closed) return;
    if (error !== undefined) this.error ??= error;
    this.writeDone = true;
    this.readDone = true;
    this.coalescer?.discard();
    this.reading.cancel();
    this.streamWriter?.abort(error).catch(() => {});
    this.emitClose();
  }

  private fail(error: unknown): void {
    this.error ??= error;
    this.destroy();
  }

  private maybeClose(): void {
    if (this.readDone && this.writeDone) this.emitClose();
  }

  private emitClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.events.transportClosed(this.error);
  }
}
