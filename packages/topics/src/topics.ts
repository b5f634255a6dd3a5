/**
 * `Topics`: named topics over any `MessageStream`, in one process or, with a backplane, across processes:
 * subscribe, unsubscribe, removal when a stream closes, publish, counters.
 */
import { FramedError, type MessageStream } from "@framed/core";
import type { Backplane, BackplaneStats, MessageCodec } from "./backplane.ts";
import { textOrBinaryCodec } from "./backplane.ts";
import { newOrigin, originHex, SequenceTracker, unwrap, wrap } from "./envelope.ts";
import { checkTopicName, type ResolvedTopicOptions, resolveTopicOptions, type TopicOptions } from "./options.ts";
import type { SubscriberStats } from "./subscriber.ts";
import { type PublishResult, type SizeOf, Topic, type TopicStats } from "./topic.ts";

/** Options of {@link Topics}. */
export interface TopicsOptions<T> {
  /** Defaults for every topic; `configure(name, options)` overrides them for one. */
  topic?: TopicOptions<T>;
  /** Carries topics to other processes (see `redisBackplane`). Default: none, one process. */
  backplane?: Backplane;
  /** Message ↔ bytes on the backplane. Default: {@link textOrBinaryCodec} (`string | Uint8Array`). */
  codec?: MessageCodec<T>;
  /**
   * Byte estimate of a message for a subscriber whose stream has no shared encoding (its `send` encodes).
   * Default: `Uint8Array` length, or 3 bytes per UTF-16 unit of a string (UTF-8's worst case), else 1 KiB.
   */
  sizeOf?: SizeOf<T>;
  /** Publisher–topic pairs whose sequence numbers are remembered to count gaps. Default 4096. */
  maxTrackedPublishers?: number;
  /** Called for each problem with the backplane (lost connection, a message missed or not crossed). */
  onBackplaneProblem?: (error: FramedError) => void;
}

/** Everything {@link Topics.stats} reports. */
export interface TopicsStats {
  topics: number;
  /** Streams subscribed to at least one topic. */
  streams: number;
  /** Messages received from other processes and delivered locally. */
  received: number;
  /** Messages from other processes known to be missed: sequence numbers that never arrived. */
  gaps: number;
  /** Messages from other processes dropped as out of order or undecodable. */
  discarded: number;
  backplane?: BackplaneStats;
}

function defaultSizeOf(message: unknown): number {
  if (message instanceof Uint8Array) return message.length;
  if (typeof message === "string") return message.length * 3;
  return 1024;
}

/**
 * Topics: publish once, deliver to every subscribed stream, whatever its framing.
 *
 * @example
 * ```ts
 * const topics = new Topics<string | Uint8Array>({ topic: { maxBacklogBytes: 256 * 1024, policy: "drop-oldest" } });
 * await listen({ port: 9000 }, (stream) => {
 *   topics.subscribe("chat", stream); // removed by itself when the stream closes
 *   return stream.consume((message) => topics.publish("chat", message));
 * });
 * ```
 */
export class Topics<T = string | Uint8Array> {
  private readonly topicsByName = new Map<string, Topic<T>>();
  /**
   * Each subscribed stream's topics, for removal when it closes: the topic itself while there is one (most
   * streams are in one topic, and a Set per connection would cost ~200 bytes), a Set from the second on.
   */
  private readonly streams = new Map<MessageStream<T>, Topic<T> | Set<Topic<T>>>();
  /** Streams whose `closed` we already listen to: once per stream, however often it resubscribes. */
  private readonly watched = new WeakSet<MessageStream<T>>();
  private readonly defaults: ResolvedTopicOptions<T>;
  private readonly overrides = new Map<string, ResolvedTopicOptions<T>>();
  private readonly sizeOf: SizeOf<T>;
  private readonly backplane: Backplane | undefined;
  private readonly codec: MessageCodec<T>;
  private readonly origin = newOrigin();
  private readonly originId = originHex(this.origin);
  private readonly sequences = new Map<string, number>();
  private readonly tracker: SequenceTracker;
  private readonly onBackplaneProblem: ((error: FramedError) => void) | undefined;
  private received = 0;
  private gaps = 0;
  private discarded = 0;
  private closed = false;

  constructor(options: TopicsOptions<T> = {}) {
    this.defaults = resolveTopicOptions(options.topic);
    this.sizeOf = options.sizeOf ?? defaultSizeOf;
    this.codec = options.codec ?? (textOrBinaryCodec as unknown as MessageCodec<T>);
    this.tracker = new SequenceTracker(options.maxTrackedPublishers ?? 4096);
    this.onBackplaneProblem = options.onBackplaneProblem;
    this.backplane = options.backplane;
    // Arrow functions rather than methods: the backplane's way in stays out of the public type.
    this.backplane?.start({
      receive: (topic, payload) => this.#receiveRemote(topic, payload),
      problem: (error) => this.#problem(error),
    });
  }

  /** Set one topic's policy (over the defaults); applies to its current and future subscribers. */
  configure(topic: string, options: TopicOptions<T>): void {
    const resolved = resolveTopicOptions(options, this.defaults);
    this.overrides.set(checkTopicName(topic), resolved);
    this.topicsByName.get(topic)?.configure(resolved);
  }

  /**
   * Subscribe `stream` to `topic`. False when it already was. A closed stream leaves all its topics by itself.
   * Throws `FramedError` `CLOSED` after {@link close}.
   */
  subscribe(topic: string, stream: MessageStream<T>): boolean {
    checkTopicName(topic);
    if (this.closed) throw new FramedError("CLOSED", "cannot subscribe: these topics are closed");
    let entry = this.topicsByName.get(topic);
    if (entry === undefined) {
      entry = new Topic(
        topic,
        this.overrides.get(topic) ?? this.defaults,
        this.sizeOf,
        (name) => this.topicEmptied(name),
        (left, leaving) => this.forget(left, leaving),
      );
      this.topicsByName.set(topic, entry);
      this.backplane?.join(topic);
    }
    if (!entry.add(stream)) return false;
    const topics = this.streams.get(stream);
    if (topics === undefined) this.streams.set(stream, entry);
    else if (topics instanceof Set) topics.add(entry);
    else this.streams.set(stream, new Set([topics, entry]));
    if (!this.watched.has(stream)) {
      this.watched.add(stream);
      stream.closed.then(() => {
        // Forgotten too, so a later subscribe of this closed stream watches again (and is removed at once).
        this.watched.delete(stream);
        this.unsubscribeAll(stream);
      });
    }
    return true;
  }

  /** Unsubscribe `stream` from `topic`; false when it was not subscribed. */
  unsubscribe(topic: string, stream: MessageStream<T>): boolean {
    const entry = this.topicsByName.get(topic);
    if (entry === undefined || !entry.subscribers.has(stream)) return false;
    this.forget(entry, stream);
    entry.remove(stream);
    return true;
  }

  /** Unsubscribe `stream` from every topic. Returns how many it left. */
  unsubscribeAll(stream: MessageStream<T>): number {
    const topics = this.streams.get(stream);
    if (topics === undefined) return 0;
    this.streams.delete(stream);
    if (!(topics instanceof Set)) {
      topics.remove(stream);
      return 1;
    }
    for (const topic of topics) topic.remove(stream);
    return topics.size;
  }

  /**
   * Deliver `message` to every subscriber of `topic` here (but `options.except`, usually the sender), and
   * hand it to the backplane for every other process. Encoded once per distinct wire encoding. Returns what
   * happened locally; the backplane's part is in {@link stats}.
   */
  publish(topic: string, message: T, options: { except?: MessageStream<T> } = {}): PublishResult {
    checkTopicName(topic);
    if (this.closed) throw new FramedError("CLOSED", "cannot publish: these topics are closed");
    if (this.backplane !== undefined) this.cross(topic, message);
    const entry = this.topicsByName.get(topic);
    return entry === undefined ? { delivered: 0, dropped: 0 } : entry.publish(message, options.except);
  }

  /** Subscribers of `topic` here. */
  subscriberCount(topic: string): number {
    return this.topicsByName.get(topic)?.subscribers.size ?? 0;
  }

  /** One topic's counters, or undefined when it has no subscribers here. */
  topicStats(topic: string): TopicStats | undefined {
    const entry = this.topicsByName.get(topic);
    if (entry === undefined) return undefined;
    const { published, delivered, dropped, closedSlow, backlogBytes } = entry;
    return { subscribers: entry.subscribers.size, published, delivered, dropped, closedSlow, backlogBytes };
  }

  /** One subscriber's counters in `topic`, or undefined when it is not subscribed. */
  subscriberStats(topic: string, stream: MessageStream<T>): SubscriberStats | undefined {
    const subscriber = this.topicsByName.get(topic)?.subscribers.get(stream);
    if (subscriber === undefined) return undefined;
    const { delivered, dropped, backlogBytes } = subscriber;
    return { delivered, dropped, backlogBytes };
  }

  get stats(): TopicsStats {
    const stats: TopicsStats = {
      topics: this.topicsByName.size,
      streams: this.streams.size,
      received: this.received,
      gaps: this.gaps,
      discarded: this.discarded,
    };
    if (this.backplane !== undefined) stats.backplane = { ...this.backplane.stats };
    return stats;
  }

  /** Unsubscribe everything (streams stay open) and close the backplane. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const stream of [...this.streams.keys()]) this.unsubscribeAll(stream);
    await this.backplane?.close();
  }

  // ---- internals -----------------------------------------------------------------------------

  private cross(topic: string, message: T): void {
    let payload: Uint8Array;
    try {
      payload = this.codec.encode(message);
    } catch (error) {
      this.#problem(
        new FramedError("INVALID_MESSAGE", `a message for topic "${topic}" cannot be encoded for the backplane`, {
          cause: error,
        }),
      );
      return;
    }
    const sequence = (this.sequences.get(topic) ?? 0) + 1;
    this.sequences.set(topic, sequence);
    // A message that cannot cross still uses its number: receivers then count it as a gap.
    if (!(this.backplane as Backplane).publish(topic, wrap(this.origin, sequence, payload))) {
      this.#problem(
        new FramedError("CONNECTION_RESET", `a message for topic "${topic}" could not cross the backplane`),
      );
    }
  }

  /** A message from another process. */
  #receiveRemote(topic: string, bytes: Uint8Array): void {
    let message: T;
    try {
      const envelope = unwrap(bytes);
      if (envelope.origin === this.originId) return; // our own, already delivered locally
      const missed = this.tracker.observe(envelope.origin, topic, envelope.sequence);
      if (missed < 0) {
        this.discarded++;
        return;
      }
      if (missed > 0) {
        this.gaps += missed;
        this.#problem(
          new FramedError(
            "TRUNCATED",
            `topic "${topic}": ${missed} message(s) from publisher ${envelope.origin} missed`,
          ),
        );
      }
      message = this.codec.decode(envelope.payload);
    } catch (error) {
      this.discarded++;
      this.#problem(
        error instanceof FramedError ? error : new FramedError("INVALID_MESSAGE", String(error), { cause: error }),
      );
      return;
    }
    const entry = this.topicsByName.get(topic);
    if (entry === undefined || this.closed) return;
    this.received++;
    entry.publish(message, undefined);
  }

  /** The backplane failed or recovered: tell `onBackplaneProblem`. */
  #problem(error: FramedError): void {
    try {
      this.onBackplaneProblem?.(error);
    } catch {
      // A logging hook's failure must not break delivery.
    }
  }

  /** A subscriber left `topic` (unsubscribed, its stream closed, or the close policy): drop it from the index. */
  private forget(topic: Topic<T>, stream: MessageStream<T>): void {
    const topics = this.streams.get(stream);
    if (topics === undefined) return;
    if (!(topics instanceof Set)) {
      if (topics === topic) this.streams.delete(stream);
      return;
    }
    topics.delete(topic);
    if (topics.size === 1) this.streams.set(stream, topics.values().next().value as Topic<T>);
  }

  private topicEmptied(name: string): void {
    this.topicsByName.delete(name);
    if (this.backplane !== undefined) {
      this.backplane.leave(name);
      this.tracker.forgetTopic(name);
    }
  }
}
