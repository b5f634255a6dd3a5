/**
 * `@framed/topics/redis`: a {@link Backplane} on Redis pub/sub (sharded pub/sub, SPUBLISH/SSUBSCRIBE, on
 * Redis 7 and later) through node-redis (`@redis/client`). Node only.
 */
import { FramedError } from "@framed/core";
import { createClient } from "@redis/client";
import type { Backplane, BackplaneReceiver, BackplaneStats } from "./backplane.ts";

/** Options of {@link redisBackplane}. */
export interface RedisBackplaneOptions {
  /** `redis://[user:password@]host:port[/db]`. Default `redis://127.0.0.1:6379`. */
  url?: string;
  /**
   * Sharded pub/sub (SPUBLISH/SSUBSCRIBE, Redis ≥ 7.0): in a Redis Cluster a channel lives on the shard that
   * owns its slot instead of being broadcast to every node. Default `"auto"`: sharded when the server's
   * `redis_version` is 7 or later (asked once, on the first connection), plain PUBLISH/SUBSCRIBE before that.
   * Every process sharing a topic must end up with the same choice: on a mixed fleet, set it explicitly.
   */
  sharded?: boolean | "auto";
  /** Prefix of every channel name. Default `"framed:topics:"`. */
  channelPrefix?: string;
  /**
   * Bytes of published messages Redis has not acknowledged yet. Past it a message is not sent (counted as not
   * crossed): a slow or stalled Redis cannot make this process buffer without bound. Default 8 MiB.
   */
  maxInFlightBytes?: number;
  /** First reconnect delay in ms, doubled on each failed attempt up to `maxReconnectDelay`. Default 100. */
  reconnectDelay?: number;
  /** Longest reconnect delay in ms. Default 5000. */
  maxReconnectDelay?: number;
}

type Client = ReturnType<typeof createClient>;

/**
 * A Redis backplane for {@link Topics}: two connections (one publishes, one subscribes), reconnecting with
 * exponential backoff and jitter. While Redis is unreachable, local delivery goes on and messages that
 * cannot cross are counted (`stats.notCrossed`), never queued.
 *
 * @example
 * ```ts
 * import { Topics } from "@framed/topics";
 * import { redisBackplane } from "@framed/topics/redis";
 * const topics = new Topics({ backplane: redisBackplane({ url: "redis://127.0.0.1:6379" }) });
 * ```
 */
export function redisBackplane(options: RedisBackplaneOptions = {}): Backplane {
  return new RedisBackplane(options);
}

class RedisBackplane implements Backplane {
  readonly stats: BackplaneStats = { sent: 0, notCrossed: 0, disconnects: 0, connected: false };
  private readonly publisher: Client;
  private readonly subscriber: Client;
  /** Undefined until the "auto" choice is known; publishes meanwhile are not crossed (counted). */
  private sharded: boolean | undefined;
  /** Resolves with the choice; subscribe and unsubscribe commands wait for it, in order. */
  private readonly mode: Promise<boolean>;
  private decide: ((sharded: boolean) => void) | undefined;
  private readonly prefix: string;
  private readonly maxInFlightBytes: number;
  private inFlightBytes = 0;
  private receiver: BackplaneReceiver | undefined;
  private closing = false;
  /** Topics joined, each with its listener (node-redis re-subscribes them after a reconnect). */
  private readonly listeners = new Map<string, (message: Buffer) => void>();

  constructor(options: RedisBackplaneOptions) {
    const sharded = options.sharded ?? "auto";
    if (sharded !== "auto" && typeof sharded !== "boolean") {
      throw new TypeError(`sharded must be true, false or "auto", got ${String(sharded)}`);
    }
    if (sharded === "auto") {
      this.mode = new Promise((resolve) => {
        this.decide = resolve;
      });
    } else {
      this.sharded = sharded;
      this.mode = Promise.resolve(sharded);
    }
    this.prefix = options.channelPrefix ?? "framed:topics:";
    this.maxInFlightBytes = options.maxInFlightBytes ?? 8 << 20;
    const first = options.reconnectDelay ?? 100;
    const longest = options.maxReconnectDelay ?? 5000;
    const reconnectStrategy = (retries: number) => {
      if (this.closing) return false;
      const delay = Math.min(longest, first * 2 ** Math.min(retries, 20));
      return Math.round(delay / 2 + Math.random() * (delay / 2));
    };
    const settings = { url: options.url ?? "redis://127.0.0.1:6379", socket: { reconnectStrategy } };
    // No offline queue for publishing: a message that cannot cross now is dropped and counted (at most once).
    this.publisher = createClient({ ...settings, disableOfflineQueue: true });
    // The subscriber keeps its queue: it only holds (un)subscribe commands, one per topic joined or left.
    this.subscriber = createClient(settings);
  }

  start(receiver: BackplaneReceiver): void {
    this.receiver = receiver;
    this.watch(this.publisher, "publisher", true);
    this.watch(this.subscriber, "subscriber", false);
    this.publisher.connect().catch((error) => this.report("connect the publisher", error));
    this.subscriber.connect().catch((error) => this.report("connect the subscriber", error));
  }

  join(topic: string): void {
    if (this.listeners.has(topic) || this.closing) return;
    const listener = (message: Buffer) => this.receiver?.receive(topic, message);
    this.listeners.set(topic, listener);
    const channel = this.prefix + topic;
    this.mode
      .then((sharded) =>
        sharded
          ? this.subscriber.sSubscribe(channel, listener, true)
          : this.subscriber.subscribe(channel, listener, true),
      )
      .catch((error) => this.report(`subscribe to ${channel}`, error));
  }

  leave(topic: string): void {
    const listener = this.listeners.get(topic);
    if (listener === undefined) return;
    this.listeners.delete(topic);
    const channel = this.prefix + topic;
    this.mode
      .then((sharded) =>
        sharded
          ? this.subscriber.sUnsubscribe(channel, listener, true)
          : this.subscriber.unsubscribe(channel, listener, true),
      )
      .catch((error) => this.report(`unsubscribe from ${channel}`, error));
  }

  publish(topic: string, payload: Uint8Array): boolean {
    const sharded = this.sharded;
    if (
      this.closing ||
      sharded === undefined ||
      !this.publisher.isReady ||
      this.inFlightBytes + payload.length > this.maxInFlightBytes
    ) {
      this.stats.notCrossed++;
      return false;
    }
    const channel = this.prefix + topic;
    const size = payload.length;
    const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    let sending: Promise<unknown>;
    try {
      sending = sharded ? this.publisher.sPublish(channel, bytes) : this.publisher.publish(channel, bytes);
    } catch (error) {
      // The client refused at once (closed between the isReady check and now): not crossed, never thrown.
      this.stats.notCrossed++;
      this.report(`publish to ${channel}`, error);
      return false;
    }
    this.inFlightBytes += size;
    this.stats.sent++;
    sending.then(
      () => {
        this.inFlightBytes -= size;
      },
      (error) => {
        this.inFlightBytes -= size;
        this.stats.notCrossed++;
        this.report(`publish to ${channel}`, error);
      },
    );
    return true;
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.listeners.clear();
    await Promise.all([quit(this.publisher), quit(this.subscriber)]);
    this.stats.connected = false;
  }

  private watch(client: Client, role: string, tracksConnection: boolean): void {
    // Without an 'error' listener node-redis's errors would be thrown as unhandled 'error' events.
    client.on("error", (error: unknown) => this.report(`redis ${role}`, error));
    if (!tracksConnection) return;
    client.on("ready", () => {
      this.stats.connected = true;
      if (this.decide !== undefined) this.askVersion();
    });
    client.on("reconnecting", () => {
      // Each lost connection once, not each retry.
      if (this.stats.connected) this.stats.disconnects++;
      this.stats.connected = false;
    });
    client.on("end", () => {
      this.stats.connected = false;
    });
  }

  /** The "auto" choice: sharded pub/sub from Redis 7 on. A failed question is asked again at the next ready. */
  private askVersion(): void {
    this.publisher
      .info("server")
      .then((info) => {
        if (this.decide === undefined) return;
        const major = Number(/redis_version:(\d+)/.exec(String(info))?.[1] ?? 0);
        this.sharded = major >= 7;
        this.decide(this.sharded);
        this.decide = undefined;
      })
      .catch((error) => this.report("ask the server's version", error));
  }

  private report(what: string, error: unknown): void {
    if (this.closing) return;
    const detail = error instanceof Error ? error.message : String(error);
    this.receiver?.problem(
      new FramedError("CONNECTION_RESET", `redis backplane: ${what}: ${detail}`, { cause: error }),
    );
  }
}

async function quit(client: Client): Promise<void> {
  if (!client.isOpen) return;
  // Mid-reconnect there is no connection to close gracefully: stop retrying at once.
  if (!client.isReady) {
    client.destroy();
    return;
  }
  try {
    await client.close();
  } catch {
    client.destroy();
  }
}
