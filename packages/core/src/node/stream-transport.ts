/**
 * ByteTransport over Node streams: a `net.Socket` (or any Duplex), or a Readable + Writable pair (stdio).
 *
 * No WHATWG streams and no promise per chunk: `data` events go straight to the session, and all
 * writes made in one tick leave in one `write` (small batches concatenated, large ones corked).
 */
import type { Readable, Writable } from "node:stream";
import type { ByteTransport, TransportEvents } from "../transport.ts";

/** Batches up to this size are concatenated into one buffer; larger ones are corked instead of copied. */
const CONCAT_LIMIT = 64 * 1024;

export interface NodeTransportOptions {
  /** Bytes buffered before `write` reports backpressure. Default 1 MiB (never below the stream's own mark). */
  writableHighWaterMark?: number;
}

/**
 * Adapt Node streams to a ByteTransport. Pass the same Duplex twice for a socket.
 *
 * @example
 * ```ts
 * const transport = nodeStreamTransport(socket, socket);
 * const stdioTransport = nodeStreamTransport(process.stdin, process.stdout);
 * ```
 */
export function nodeStreamTransport(
  input: Readable,
  output: Writable | null,
  options: NodeTransportOptions = {},
): ByteTransport {
  return new NodeStreamTransport(input, output, options);
}

class NodeStreamTransport implements ByteTransport {
  readonly writable: boolean;
  private readonly highWaterMark: number;
  private events!: TransportEvents;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private flushScheduled = false;
  private needDrain = false;
  private ending = false;
  private error: unknown;
  private inputDone = false;
  private outputDone: boolean;
  private closed = false;
  /** One Duplex for both directions (a socket) rather than a stdio-like pair. */
  private readonly isDuplex: boolean;

  constructor(
    private readonly input: Readable,
    private readonly output: Writable | null,
    options: NodeTransportOptions,
  ) {
    this.isDuplex = (output as unknown) === input;
    this.writable = output !== null;
    this.outputDone = output === null;
    this.highWaterMark = Math.max(options.writableHighWaterMark ?? 1024 * 1024, output?.writableHighWaterMark ?? 0);
  }

  start(events: TransportEvents): void {
    this.events = events;
    const { input, output } = this;
    input.on("data", (chunk: Uint8Array | string) => {
      events.data(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
    });
    input.on("end", () => events.end());
    input.on("error", (error) => this.fail(error));
    if (output) output.on("drain", () => this.onOutputDrain());
    if (this.isDuplex) {
      input.on("close", () => this.emitClose());
      return;
    }
    input.on("close", () => {
      this.inputDone = true;
      this.maybeClose();
    });
    if (output) {
      output.on("error", (error) => this.fail(error));
      const outputFinished = () => {
        this.outputDone = true;
        this.maybeClose();
      };
      output.on("finish", outputFinished);
      output.on("close", outputFinished);
    }
  }

  write(chunk: Uint8Array): boolean {
    if (this.closed || this.ending || !this.output) return false;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(() => this.flush());
    }
    if (this.pendingBytes + this.output.writableLength >= this.highWaterMark) this.needDrain = true;
    return !this.needDrain;
  }

  pause(): void {
    this.input.pause();
  }

  resume(): void {
    this.input.resume();
  }

  end(): void {
    if (this.ending || this.closed) return;
    this.flush();
    this.ending = true;
    if (this.output) this.output.end();
    else this.input.destroy();
  }

  destroy(error?: unknown): void {
    if (this.closed) return;
    if (error !== undefined) this.error ??= error;
    this.pending = [];
    this.pendingBytes = 0;
    this.input.destroy();
    if (this.output && !this.isDuplex) this.output.destroy();
  }

  private flush(): void {
    this.flushScheduled = false;
    const output = this.output;
    if (!output || this.pending.length === 0 || this.closed || output.destroyed) return;
    const pending = this.pending;
    const size = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    let hasRoom: boolean;
    if (pending.length === 1) {
      hasRoom = output.write(pending[0]);
    } else if (size <= CONCAT_LIMIT) {
      hasRoom = output.write(Buffer.concat(pending, size));
    } else {
      output.cork();
      hasRoom = true;
      for (const chunk of pending) hasRoom = output.write(chunk);
      output.uncork();
    }
    if (this.needDrain && hasRoom && output.writableLength < this.highWaterMark) {
      this.needDrain = false;
      this.events.drain();
    }
  }

  private onOutputDrain(): void {
    if (!this.needDrain || this.pendingBytes > 0) return;
    this.needDrain = false;
    this.events.drain();
  }

  private fail(error: unknown): void {
    this.error ??= error;
    // A socket emits close after error; a stdio pair may not, so close both ends now.
    if (!this.isDuplex) this.destroy();
  }

  private maybeClose(): void {
    if (this.inputDone && this.outputDone) this.emitClose();
    else if (this.error !== undefined && (this.inputDone || this.outputDone)) this.emitClose();
  }

  private emitClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.events.close(this.error);
  }
}
