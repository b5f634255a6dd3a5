/**
 * ByteTransport over a `Deno.Conn`: a read loop that honours pause, and coalesced writes.
 */
import type { ByteTransport, TransportEvents } from "../transport.ts";
import { WriteCoalescer } from "../write-coalescer.ts";
import { type DenoConn, deno } from "./deno-api.ts";

const READ_BUFFER_SIZE = 64 * 1024;

/** Errors that mean "we closed the connection ourselves", not a failure. */
function isLocalClose(error: unknown): boolean {
  const errors = deno().errors;
  return (
    (errors.BadResource !== undefined && error instanceof errors.BadResource) ||
    (errors.Interrupted !== undefined && error instanceof errors.Interrupted)
  );
}

/**
 * @example
 * ```ts
 * const conn = await Deno.connect({ port: 9000 });
 * const stream = new Connection({ transport: denoConnTransport(conn), framing, role: "client" });
 * ```
 */
export function denoConnTransport(conn: DenoConn, options: { writableHighWaterMark?: number } = {}): ByteTransport {
  // Writes are coalesced while one is in flight, so Nagle's delay would only add latency.
  conn.setNoDelay?.(true);
  return new DenoConnTransport(conn, options.writableHighWaterMark ?? 1024 * 1024);
}

class DenoConnTransport implements ByteTransport {
  readonly writable = true;
  private events!: TransportEvents;
  private readonly writer: WriteCoalescer;
  private paused = false;
  private resumeReading: (() => void) | undefined;
  private readDone = false;
  private writeDone = false;
  private destroyed = false;
  private closed = false;
  private error: unknown;

  constructor(
    private readonly conn: DenoConn,
    highWaterMark: number,
  ) {
    this.writer = new WriteCoalescer(
      { write: (bytes) => this.writeAll(bytes) },
      highWaterMark,
      () => this.events.drained(),
      (error) => this.fail(error),
    );
  }

  start(events: TransportEvents): void {
    this.events = events;
    this.readLoop();
  }

  get bufferedAmount(): number {
    return this.writer.buffered;
  }

  write(chunk: Uint8Array): boolean {
    if (this.writeDone) return false;
    return this.writer.write(chunk);
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

  end(): void {
    if (this.writeDone) return;
    this.writeDone = true;
    this.writer.idle().then(async () => {
      if (this.destroyed) return;
      try {
        await this.conn.closeWrite();
      } catch {
        // The peer may already be gone; the read side reports how the connection ended.
      }
      this.maybeClose();
    });
  }

  destroy(error?: unknown): void {
    if (this.destroyed) return;
    this.destroyed = true;
    if (error !== undefined) this.error ??= error;
    this.writeDone = true;
    this.readDone = true;
    this.writer.discard();
    this.closeConn();
    this.resume();
    this.emitClose();
  }

  private async writeAll(bytes: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < bytes.length) offset += await this.conn.write(offset === 0 ? bytes : bytes.subarray(offset));
  }

  private async readLoop(): Promise<void> {
    const buffer = new Uint8Array(READ_BUFFER_SIZE);
    try {
      while (!this.destroyed) {
        if (this.paused) await new Promise<void>((resolve) => (this.resumeReading = resolve));
        if (this.destroyed) return;
        const count = await this.conn.read(buffer);
        if (count === null) break;
        this.events.receive(buffer.slice(0, count));
      }
    } catch (error) {
      if (!this.destroyed && !isLocalClose(error)) this.fail(error);
      return;
    }
    if (this.destroyed) return;
    this.readDone = true;
    this.events.receiveEnd();
    this.maybeClose();
  }

  private fail(error: unknown): void {
    this.error ??= error;
    this.destroy();
  }

  private maybeClose(): void {
    if (this.readDone && this.writeDone && !this.closed) {
      this.closeConn();
      this.emitClose();
    }
  }

  private closeConn(): void {
    try {
      this.conn.close();
    } catch {
      // Already closed.
    }
  }

  private emitClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.events.transportClosed(this.error);
  }
}
