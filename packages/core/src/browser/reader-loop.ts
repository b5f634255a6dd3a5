/**
 * Pulls a WHATWG byte stream into transport events, stopping while paused (real backpressure:
 * an unread ReadableStream applies it to its source).
 */
import type { TransportEvents } from "../transport.ts";

export class ReaderLoop {
  private paused = false;
  private resumeReading: (() => void) | undefined;
  private stopped = false;
  private reader: ReadableStreamDefaultReader<Uint8Array> | undefined;

  constructor(private readonly readable: ReadableStream<Uint8Array>) {}

  /** Read until EOF; `onDone` runs once with the read error, if any. */
  start(events: Pick<TransportEvents, "receive" | "receiveEnd">, onDone: (error?: unknown) => void): void {
    const reader = this.readable.getReader();
    this.reader = reader;
    (async () => {
      try {
        while (!this.stopped) {
          if (this.paused) await new Promise<void>((resolve) => (this.resumeReading = resolve));
          if (this.stopped) break;
          const { done, value } = await reader.read();
          if (done) {
            events.receiveEnd();
            break;
          }
          if (value.length > 0) events.receive(value);
        }
        onDone();
      } catch (error) {
        onDone(this.stopped ? undefined : error);
      }
    })();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    const resume = this.resumeReading;
    this.resumeReading = undefined;
    resume?.();
  }

  /** Stop reading and cancel the source. */
  cancel(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.resume();
    this.reader?.cancel().catch(() => {});
  }
}
