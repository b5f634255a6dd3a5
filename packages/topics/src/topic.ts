/**
 * `Topic`: the subscribers of one topic name, its policy and counters, and publishing: each message is
 * encoded once per distinct wire encoding among the subscribers, then offered to each.
 */
import type { MessageStream, SharedEncoding } from "@framed/core";
import type { DropReason, ResolvedTopicOptions } from "./options.ts";
import { Subscriber, type SubscriberOwner } from "./subscriber.ts";

/** What one publish did locally. */
export interface PublishResult {
  /** Local subscribers that took the message (written to the stream, or queued behind a full one). */
  delivered: number;
  /** Local subscribers that did not: over their byte bound (`drop-newest`, `close`) or refused by their framing. */
  dropped: number;
}

/** Counters of one topic, as {@link Topics.stats} reports them. */
export interface TopicStats {
  subscribers: number;
  /** Messages published to this topic here, plus those received from other processes. */
  published: number;
  /** Deliveries to subscribers (a message written to three streams counts three). */
  delivered: number;
  /** Messages dropped for a subscriber, whatever the reason (including queued ones `drop-oldest` evicted). */
  dropped: number;
  /** Subscribers the `close` policy closed. */
  closedSlow: number;
  /** Bytes queued for slow subscribers now, summed. */
  backlogBytes: number;
}

/**
 * Bytes a queued message costs beyond its own: its queue entry and slot. Charged against the backlog bound so
 * that a flood of tiny messages is bounded by memory, not by count.
 */
export const ENTRY_OVERHEAD = 64;

/** Called when a topic has no subscribers left, so its owner can forget it. */
export type TopicEmptied = (name: string) => void;

/** Estimates a message's bytes for subscribers without a shared encoding (their `send` encodes it). */
export type SizeOf<T> = (message: T) => number;

export class Topic<T> implements SubscriberOwner<T> {
  readonly subscribers = new Map<MessageStream<T>, Subscriber<T>>();
  published = 0;
  delivered = 0;
  dropped = 0;
  closedSlow = 0;

  constructor(
    readonly name: string,
    private options: ResolvedTopicOptions<T>,
    private readonly sizeOf: SizeOf<T>,
    private readonly emptied: TopicEmptied,
    /** Told when a subscriber left on its own (its stream closed, or the close policy), for the stream index. */
    private readonly left: (topic: Topic<T>, stream: MessageStream<T>) => void,
  ) {}

  get maxBacklogBytes(): number {
    return this.options.maxBacklogBytes;
  }

  get policy(): ResolvedTopicOptions<T>["policy"] {
    return this.options.policy;
  }

  get closeCode(): number {
    return this.options.closeCode;
  }

  configure(options: ResolvedTopicOptions<T>): void {
    this.options = options;
  }

  /** Add `stream`; false when it was already subscribed. */
  add(stream: MessageStream<T>): boolean {
    if (this.subscribers.has(stream)) return false;
    this.subscribers.set(stream, new Subscriber(stream, this));
    return true;
  }

  /** Remove `stream`; false when it was not subscribed. */
  remove(stream: MessageStream<T>): boolean {
    const subscriber = this.subscribers.get(stream);
    if (subscriber === undefined) return false;
    subscriber.leave();
    this.subscribers.delete(stream);
    if (this.subscribers.size === 0) this.emptied(this.name);
    return true;
  }

  /**
   * Offer `message` to every subscriber but `except`. Each distinct shared encoding is asked once; a
   * subscriber without one gets the message through its own `send`.
   */
  publish(message: T, except: MessageStream<T> | undefined): PublishResult {
    this.published++;
    let delivered = 0;
    let dropped = 0;
    // Most topics have one or two encodings (one per framing and settings): the last one is kept in locals,
    // and a Map is made only when a second one appears.
    let lastKey: string | undefined;
    let lastBytes: Uint8Array | Error | undefined;
    let seen: Map<string, Uint8Array | Error> | undefined;
    let estimate = -1;
    for (const subscriber of this.subscribers.values()) {
      if (subscriber.stream === except) continue;
      const encoding = subscriber.encoding;
      let bytes: Uint8Array | Error | undefined;
      if (encoding !== undefined) {
        if (encoding.key === lastKey) bytes = lastBytes;
        else {
          if (lastKey !== undefined && seen === undefined) seen = new Map([[lastKey, lastBytes as Uint8Array | Error]]);
          bytes = seen?.get(encoding.key);
          if (bytes === undefined) {
            bytes = encodeOnce(encoding, message);
            seen?.set(encoding.key, bytes);
          }
          lastKey = encoding.key;
          lastBytes = bytes;
        }
      }
      if (bytes instanceof Error) {
        subscriber.dropped++;
        this.noteDrop(subscriber, message, "refused", 0);
        dropped++;
        continue;
      }
      let size: number;
      if (bytes !== undefined) size = bytes.length + ENTRY_OVERHEAD;
      else {
        if (estimate < 0) estimate = this.sizeOf(message) + ENTRY_OVERHEAD;
        size = estimate;
      }
      if (subscriber.offer(message, bytes, size)) {
        delivered++;
      } else dropped++;
    }
    this.delivered += delivered;
    return { delivered, dropped };
  }

  // ---- SubscriberOwner ------------------------------------------------------------------------

  noteDrop(subscriber: Subscriber<T>, message: T, reason: DropReason, bytes: number): void {
    this.dropped++;
    if (reason === "close") this.closedSlow++;
    const onDrop = this.options.onDrop;
    if (onDrop === undefined) return;
    try {
      onDrop({ topic: this.name, stream: subscriber.stream, message, reason, bytes });
    } catch {
      // A hook's failure must not stop delivery to the other subscribers.
    }
  }

  gone(subscriber: Subscriber<T>): void {
    if (subscriber.left || this.subscribers.get(subscriber.stream) !== subscriber) return;
    this.left(this, subscriber.stream);
    this.remove(subscriber.stream);
  }

  get backlogBytes(): number {
    let total = 0;
    for (const subscriber of this.subscribers.values()) total += subscriber.backlogBytes;
    return total;
  }
}

/** The message's shared bytes, or the error its framing refused it with (the same for every subscriber of the key). */
function encodeOnce<T>(encoding: SharedEncoding<T>, message: T): Uint8Array | Error {
  try {
    return encoding.encode(message);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}
