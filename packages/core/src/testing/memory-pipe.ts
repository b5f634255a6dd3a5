/**
 * Two connected in-memory ByteTransports: a socket pair without a socket, for tests in any runtime.
 *
 * Delivery is asynchronous (a microtask per batch), honours pause/resume, and reports backpressure
 * when the receiving end holds more than `highWaterMark` undelivered bytes.
 */
import type { ByteTransport, TransportEvents } from "../transport.ts";

/** Counters a test can assert on. */
export interface MemoryEndStats {
  /** `write` calls made on this end. */
  writes: number;
  /** Batches delivered to the peer (coalesced writes). */
  deliveries: number;
  /** Bytes written. */
  bytesWritten: number;
}

/** One end of a memory pipe. */
export interface MemoryEnd extends ByteTransport {
  readonly stats: MemoryEndStats;
  /** Bytes written by the peer and not yet delivered to this end (for example while paused). */
  readonly buffered: number;
  /** Simulate a connection reset: both ends close, the peer with an error. */
  reset(): void;
}

class MemoryEndImpl implements MemoryEnd {
  readonly writable = true;
  readonly stats: MemoryEndStats = { writes: 0, deliveries: 0, bytesWritten: 0 };
  peer!: MemoryEndImpl;
  private events: TransportEvents | undefined;
  private inbox: Uint8Array[] = [];
  private inboxBytes = 0;
  private paused = false;
  private deliveryScheduled = false;
  private peerEnded = false;
  private endDelivered = false;
  private ended = false;
  private closed = false;
  private peerWaitingForDrain = false;

  constructor(private readonly highWaterMark: number) {}

  get buffered(): number {
    return this.inboxBytes;
  }

  start(events: TransportEvents): void {
    this.events = events;
    this.scheduleDelivery();
  }

  write(chunk: Uint8Array): boolean {
    if (this.ended || this.closed) return false;
    this.stats.writes++;
    this.stats.bytesWritten += chunk.length;
    return this.peer.enqueue(chunk.slice());
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.scheduleDelivery();
  }

  end(): void {
    if (this.ended || this.closed) return;
    this.ended = true;
    this.peer.peerEnded = true;
    this.peer.scheduleDelivery();
    this.maybeClose();
  }

  destroy(error?: unknown): void {
    this.closeBoth(error, undefined);
  }

  reset(): void {
    this.closeBoth(undefined, new Error("connection reset by peer (memory pipe)"));
  }

  private closeBoth(ownError: unknown, peerError: unknown): void {
    this.finish(ownError);
    this.peer.finish(peerError);
  }

  /** Peer wrote bytes to us. Returns false when we hold too much. */
  private enqueue(chunk: Uint8Array): boolean {
    if (this.closed) return false;
    this.inbox.push(chunk);
    this.inboxBytes += chunk.length;
    this.scheduleDelivery();
    const hasRoom = this.inboxBytes < this.highWaterMark;
    if (!hasRoom) this.peerWaitingForDrain = true;
    return hasRoom;
  }

  private scheduleDelivery(): void {
    if (this.deliveryScheduled || !this.events) return;
    this.deliveryScheduled = true;
    queueMicrotask(() => this.deliver());
  }

  private deliver(): void {
    this.deliveryScheduled = false;
    const events = this.events;
    if (!events || this.closed) return;
    if (!this.paused && this.inbox.length > 0) {
      this.peer.stats.deliveries++;
      // Like a socket, a paused reader stops between chunks, not inside one.
      while (this.inbox.length > 0 && !this.paused && !this.closed) {
        const chunk = this.inbox.shift() as Uint8Array;
        this.inboxBytes -= chunk.length;
        events.receive(chunk);
      }
      if (this.closed) return;
      if (this.peerWaitingForDrain && this.inboxBytes < this.highWaterMark) {
        this.peerWaitingForDrain = false;
        this.peer.events?.drained();
      }
    }
    if (this.peerEnded && this.inbox.length === 0 && !this.endDelivered && !this.closed) {
      this.endDelivered = true;
      events.receiveEnd();
      this.maybeClose();
    }
  }

  private maybeClose(): void {
    if (this.ended && this.endDelivered) {
      this.finish(undefined);
    }
    if (this.peer.ended && this.peer.endDelivered) this.peer.finish(undefined);
  }

  private finish(error: unknown): void {
    if (this.closed) return;
    this.closed = true;
    this.inbox = [];
    this.inboxBytes = 0;
    const events = this.events;
    if (events) queueMicrotask(() => events.transportClosed(error));
  }
}

/**
 * A connected pair of in-memory transports.
 *
 * @example
 * ```ts
 * const [a, b] = memoryPipe();
 * const client = new Connection({ transport: a, framing, role: "client" });
 * const server = new Connection({ transport: b, framing, role: "server" });
 * ```
 */
export function memoryPipe(options: { highWaterMark?: number } = {}): [MemoryEnd, MemoryEnd] {
  const highWaterMark = options.highWaterMark ?? 64 * 1024;
  const a = new MemoryEndImpl(highWaterMark);
  const b = new MemoryEndImpl(highWaterMark);
  a.peer = b;
  b.peer = a;
  return [a, b];
}
