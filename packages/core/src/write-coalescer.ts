/**
 * Coalesces writes for transports whose write is asynchronous (Deno.Conn, WHATWG writers, a WebSocket):
 * writes made in one tick go out as one buffer, and writes made while one is in flight wait and
 * go out together when it completes.
 */
import { concatBytes } from "./bytes.ts";

export interface CoalescerTarget {
  /** Write one buffer; resolve when the runtime accepted it. */
  write(bytes: Uint8Array): Promise<void> | void;
  /** The buffered bytes of the runtime itself (a WebSocket's `bufferedAmount`), if it has one. */
  buffered?(): number;
}

/** How often a runtime buffer without a drain event is polled while a sender waits. */
const BUFFERED_POLL_MS = 10;

/** Batches bytes into as few runtime writes as possible and tracks backpressure. */
export class WriteCoalescer {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private inFlightBytes = 0;
  private scheduled = false;
  private writing = false;
  private needDrain = false;
  private idleWaiters: Array<() => void> = [];
  private failed = false;

  constructor(
    private readonly target: CoalescerTarget,
    private readonly highWaterMark: number,
    private readonly onDrain: () => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Queue bytes; false when over the high-water mark (`onDrain` follows). */
  write(chunk: Uint8Array): boolean {
    if (this.failed) return false;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (!this.scheduled && !this.writing) {
      this.scheduled = true;
      queueMicrotask(() => this.pump());
    }
    if (this.backlog() >= this.highWaterMark) this.needDrain = true;
    return !this.needDrain;
  }

  /** Resolves once everything queued so far has been handed to the runtime. */
  idle(): Promise<void> {
    if (!this.writing && !this.scheduled && this.pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drop everything queued. */
  discard(): void {
    this.failed = true;
    this.pending = [];
    this.pendingBytes = 0;
    this.releaseIdle();
  }

  /** Bytes written and not yet taken by the target: queued, in flight, and what the target reports buffered. */
  get buffered(): number {
    return this.backlog();
  }

  private backlog(): number {
    return this.pendingBytes + this.inFlightBytes + (this.target.buffered?.() ?? 0);
  }

  private async pump(): Promise<void> {
    this.scheduled = false;
    if (this.writing) return;
    this.writing = true;
    try {
      while (this.pending.length > 0 && !this.failed) {
        const batch = this.pending.length === 1 ? this.pending[0] : concatBytes(this.pending);
        this.inFlightBytes = this.pendingBytes;
        this.pending = [];
        this.pendingBytes = 0;
        await this.target.write(batch);
        this.inFlightBytes = 0;
        if (this.needDrain && this.backlog() < this.highWaterMark) {
          this.needDrain = false;
          this.onDrain();
        }
      }
      // A runtime buffer with no drain event (WebSocket.bufferedAmount) is polled until it has room.
      while (this.needDrain && !this.failed && this.target.buffered && this.pending.length === 0) {
        if (this.backlog() < this.highWaterMark) {
          this.needDrain = false;
          this.onDrain();
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, BUFFERED_POLL_MS));
      }
    } catch (error) {
      this.failed = true;
      this.pending = [];
      this.pendingBytes = 0;
      this.onError(error);
    } finally {
      this.writing = false;
      this.inFlightBytes = 0;
      this.releaseIdle();
    }
  }

  private releaseIdle(): void {
    if (this.pending.length > 0 && !this.failed) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
