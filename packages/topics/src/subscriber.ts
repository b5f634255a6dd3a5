/**
 * `Subscriber`: one stream in one topic: writes messages while the stream has room, queues them (bounded in
 * bytes) while it is full, and applies the topic's slow-subscriber policy past the bound.
 */
import { isFramedError, type MessageStream, type SharedEncoding } from "@framed/core";
import type { DropReason } from "./options.ts";

/** What a subscriber reports to its topic. */
export interface SubscriberOwner<T> {
  readonly maxBacklogBytes: number;
  readonly policy: "drop-newest" | "drop-oldest" | "close";
  readonly closeCode: number;
  noteDrop(subscriber: Subscriber<T>, message: T, reason: DropReason, bytes: number): void;
  /** The stream failed or closed under us (or the close policy fired): leave the topic. */
  gone(subscriber: Subscriber<T>): void;
}

/** Counters of one subscriber, as {@link Topics.stats} reports them. */
export interface SubscriberStats {
  /** Messages written to the stream (queued ones count once written). */
  delivered: number;
  /** Messages dropped for this subscriber, whatever the reason. */
  dropped: number;
  /** Bytes queued in the topic now, waiting for the stream to have room. */
  backlogBytes: number;
}

/** One queued message: the shared bytes when the stream takes them, else the message for `send`. */
interface Queued<T> {
  message: T;
  bytes: Uint8Array | undefined;
  size: number;
}

export class Subscriber<T> implements SubscriberStats {
  delivered = 0;
  dropped = 0;
  backlogBytes = 0;
  /** Set once the subscriber left its topic: nothing more is written or queued. */
  left = false;
  /** The stream's shared encoding when it can write pre-encoded bytes, else undefined (messages go through send). */
  readonly encoding: SharedEncoding<T> | undefined;
  /** A write left the stream full: later messages queue until it has room again. */
  private waiting = false;
  private queue: Queued<T>[] = [];
  private head = 0;

  constructor(
    readonly stream: MessageStream<T>,
    private readonly owner: SubscriberOwner<T>,
  ) {
    this.encoding = typeof stream.sendEncoded === "function" ? stream.sharedEncoding : undefined;
  }

  /**
   * Offer one message (`bytes`: its shared encoding for this stream, if it has one; `size`: its byte cost).
   * True when the stream took it or it was queued; false when it was dropped for this subscriber.
   */
  offer(message: T, bytes: Uint8Array | undefined, size: number): boolean {
    if (this.left) return false;
    if (!this.waiting) {
      this.write(message, bytes);
      return !this.left;
    }
    const max = this.owner.maxBacklogBytes;
    if (this.backlogBytes + size <= max) {
      this.enqueue(message, bytes, size);
      return true;
    }
    switch (this.owner.policy) {
      case "drop-newest":
        this.drop(message, "drop-newest", size);
        return false;
      case "drop-oldest":
        if (size > max) {
          // Evicting everything would not make room: this one is the message that cannot be kept.
          this.drop(message, "drop-oldest", size);
          return false;
        }
        while (this.backlogBytes + size > max) {
          const oldest = this.dequeue();
          this.drop(oldest.message, "drop-oldest", oldest.size);
        }
        this.enqueue(message, bytes, size);
        return true;
      default:
        this.drop(message, "close", size);
        this.closeForSlowness();
        return false;
    }
  }

  /** Leave the topic: forget the backlog (its memory goes at once), write nothing more. */
  leave(): void {
    this.left = true;
    this.queue = [];
    this.head = 0;
    this.backlogBytes = 0;
  }

  private write(message: T, bytes: Uint8Array | undefined): void {
    let wait: Promise<void> | null;
    if (bytes !== undefined) {
      try {
        wait = (this.stream.sendEncoded as (bytes: Uint8Array) => Promise<void> | null)(bytes);
      } catch {
        // Only CLOSED is thrown here: the stream can no longer send.
        this.owner.gone(this);
        return;
      }
    } else {
      // Without a shared encoding the stream's promise is the only signal: wait for it before the next write,
      // so at most one message plus the backlog is outstanding.
      try {
        wait = this.stream.send(message);
      } catch (error) {
        // A wrapper's send may throw instead of rejecting: treat it the same way.
        wait = Promise.reject(error);
      }
    }
    this.delivered++;
    if (wait === null) return;
    this.waiting = true;
    wait.then(
      () => this.drained(),
      (error) => this.sendFailed(message, error),
    );
  }

  /** `send` rejected: the stream closed (leave), or its framing refused this one message (drop it, go on). */
  private sendFailed(message: T, error: unknown): void {
    if (isFramedError(error, "CLOSED") || !isFramedError(error)) {
      this.owner.gone(this);
      return;
    }
    this.delivered--;
    this.drop(message, "refused", 0);
    this.drained();
  }

  /** The stream has room again: write queued messages until it is full or the queue is empty. */
  private drained(): void {
    this.waiting = false;
    while (!this.waiting && !this.left && this.head < this.queue.length) {
      const next = this.dequeue();
      this.write(next.message, next.bytes);
    }
  }

  private enqueue(message: T, bytes: Uint8Array | undefined, size: number): void {
    this.queue.push({ message, bytes, size });
    this.backlogBytes += size;
  }

  private dequeue(): Queued<T> {
    const item = this.queue[this.head];
    this.queue[this.head++] = undefined as unknown as Queued<T>;
    this.backlogBytes -= item.size;
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  private drop(message: T, reason: DropReason, size: number): void {
    this.dropped++;
    this.owner.noteDrop(this, message, reason, size);
  }

  private closeForSlowness(): void {
    const max = this.owner.maxBacklogBytes;
    this.owner.gone(this);
    // Graceful: what the stream already holds is flushed (bounded by its high-water mark), then it closes.
    try {
      this.stream
        .close({ code: this.owner.closeCode, reason: `slow subscriber: over ${max} queued bytes` })
        .catch(() => this.stream.abort());
    } catch {
      this.stream.abort();
    }
  }
}
