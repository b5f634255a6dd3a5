/**
 * A topic's slow-subscriber policy: the options, their defaults, and the one place they are checked.
 */
import { checkSizeOption, FramedError, type MessageStream } from "@framed/core";

/**
 * What happens to a message that would push a subscriber's backlog past `maxBacklogBytes`:
 * - `"drop-newest"`: that message is dropped for that subscriber (the backlog keeps the older ones);
 * - `"drop-oldest"`: the oldest queued messages are dropped until it fits (a live feed keeps the latest);
 * - `"close"`: the subscriber's stream is closed with `closeCode` (WebSocket 1008 or 1013) and leaves the topic.
 */
export type SlowSubscriberPolicy = "drop-newest" | "drop-oldest" | "close";

/** Why a message did not reach a subscriber. */
export type DropReason = SlowSubscriberPolicy | "refused";

/** What {@link TopicOptions.onDrop} sees for each dropped message. */
export interface DropEvent<T> {
  topic: string;
  /** The subscriber that did not get the message. */
  stream: MessageStream<T>;
  message: T;
  /** `"refused"`: the subscriber's framing cannot encode the message (a line holding its delimiter…). */
  reason: DropReason;
  /** Bytes the message would have taken in the backlog: its encoded size (or estimate) plus 64 of bookkeeping. */
  bytes: number;
}

/** Options of one topic (or the defaults of every topic, in `new Topics({ topic })`). */
export interface TopicOptions<T> {
  /**
   * Bytes one subscriber may have queued in the topic while its stream is full (over the stream's own
   * `writableHighWaterMark`), each message counted as its encoded size plus 64 bytes of bookkeeping. Default 1 MiB.
   */
  maxBacklogBytes?: number;
  /** What happens past `maxBacklogBytes`. Default `"drop-oldest"`. */
  policy?: SlowSubscriberPolicy;
  /** The close code for the `"close"` policy: 1008 (policy violation) or 1013 (try again later). Default 1013. */
  closeCode?: 1008 | 1013;
  /** Called for every dropped message, synchronously; keep it cheap. Errors it throws are swallowed. */
  onDrop?: (event: DropEvent<T>) => void;
}

export interface ResolvedTopicOptions<T> {
  maxBacklogBytes: number;
  policy: SlowSubscriberPolicy;
  closeCode: 1008 | 1013;
  onDrop: ((event: DropEvent<T>) => void) | undefined;
}

const POLICIES: readonly SlowSubscriberPolicy[] = ["drop-newest", "drop-oldest", "close"];

/** Default {@link TopicOptions.maxBacklogBytes}: 1 MiB. */
export const DEFAULT_MAX_BACKLOG_BYTES = 1 << 20;

/** Apply defaults over `base`, validating; throws a RangeError or TypeError naming the bad option. */
export function resolveTopicOptions<T>(
  options: TopicOptions<T> = {},
  base?: ResolvedTopicOptions<T>,
): ResolvedTopicOptions<T> {
  const maxBacklogBytes = checkSizeOption(
    "maxBacklogBytes",
    options.maxBacklogBytes,
    base?.maxBacklogBytes ?? DEFAULT_MAX_BACKLOG_BYTES,
  );
  const policy = options.policy ?? base?.policy ?? "drop-oldest";
  if (!POLICIES.includes(policy)) {
    throw new RangeError(`policy must be one of ${POLICIES.map((p) => `"${p}"`).join(", ")}, got ${String(policy)}`);
  }
  const closeCode = options.closeCode ?? base?.closeCode ?? 1013;
  if (closeCode !== 1008 && closeCode !== 1013) {
    throw new RangeError(`closeCode must be 1008 or 1013, got ${String(closeCode)}`);
  }
  const onDrop = options.onDrop ?? base?.onDrop;
  if (onDrop !== undefined && typeof onDrop !== "function") throw new TypeError("onDrop must be a function");
  return { maxBacklogBytes, policy, closeCode, onDrop };
}

/** The error a topic name that is not a non-empty string gets. */
export function checkTopicName(name: unknown): string {
  if (typeof name !== "string" || name.length === 0) {
    throw new FramedError("INVALID_MESSAGE", `a topic name is a non-empty string, got ${JSON.stringify(name)}`);
  }
  return name;
}
