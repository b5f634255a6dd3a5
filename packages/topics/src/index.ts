/**
 * `@framed/topics`: topics over any framed `MessageStream`, with a byte-bounded slow-subscriber policy, in one
 * process or across processes through a backplane (`@framed/topics/redis`).
 */
export {
  type Backplane,
  type BackplaneReceiver,
  type BackplaneStats,
  type MessageCodec,
  textOrBinaryCodec,
} from "./backplane.ts";
export {
  DEFAULT_MAX_BACKLOG_BYTES,
  type DropEvent,
  type DropReason,
  type SlowSubscriberPolicy,
  type TopicOptions,
} from "./options.ts";
export type { SubscriberStats } from "./subscriber.ts";
export type { PublishResult, SizeOf, TopicStats } from "./topic.ts";
export { Topics, type TopicsOptions, type TopicsStats } from "./topics.ts";
