/**
 * The backplane contract: what carries a topic's messages between processes (Redis, or any engine with
 * pub/sub), and how a message's bytes cross: the codec that turns a message into bytes and back.
 */
import { encodeUtf8, FramedError } from "@framed/core";

/** Where a backplane delivers what other processes published. */
export interface BackplaneReceiver {
  /** `payload` is what another process gave `publish` for `topic`; the backplane drops it after the call. */
  receive(topic: string, payload: Uint8Array): void;
  /** A problem the backplane survived (a lost connection, a failed command); for counters and logs. */
  problem(error: FramedError): void;
}

/**
 * A pub/sub engine seen as bytes per topic. At most once: a message that cannot cross now is dropped and
 * counted, never queued without bound; a backplane never throws from `publish` and never rejects unhandled.
 *
 * @example
 * ```ts
 * const topics = new Topics({ backplane: redisBackplane({ url: "redis://127.0.0.1:6379" }) });
 * ```
 */
export interface Backplane {
  /** Called once by `Topics` before anything else. */
  start(receiver: BackplaneReceiver): void;
  /** Receive `topic` from other processes (the first local subscriber arrived). */
  join(topic: string): void;
  /** Stop receiving `topic` (its last local subscriber left). */
  leave(topic: string): void;
  /** Send `payload` to the other processes that joined `topic`. False when it cannot cross now (counted). */
  publish(topic: string, payload: Uint8Array): boolean;
  /** Counters since start. */
  readonly stats: BackplaneStats;
  /** Disconnect. Messages still in flight may or may not cross. */
  close(): Promise<void>;
}

/** A backplane's counters. */
export interface BackplaneStats {
  /** Messages handed to the engine. */
  sent: number;
  /** Messages that could not cross: the engine was unreachable, a command failed, or too many bytes were in flight. */
  notCrossed: number;
  /** Connections lost (each followed by reconnect attempts with backoff). */
  disconnects: number;
  /** True while the engine is reachable. */
  connected: boolean;
}

/** How a message becomes bytes on the backplane and back. */
export interface MessageCodec<T> {
  encode(message: T): Uint8Array;
  decode(bytes: Uint8Array): T;
}

const TEXT = 1;
const BINARY = 0;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The default codec, for `string | Uint8Array` (WebSocket's messages; length-prefix's `Uint8Array`; newline's
 * `string`): one kind byte, then the bytes. Text stays text on the other side.
 */
export const textOrBinaryCodec: MessageCodec<string | Uint8Array> = {
  encode(message) {
    const body = typeof message === "string" ? encodeUtf8(message) : message;
    if (!(body instanceof Uint8Array)) {
      throw new FramedError("INVALID_MESSAGE", "the default topic codec carries strings or Uint8Arrays");
    }
    const bytes = new Uint8Array(body.length + 1);
    bytes[0] = typeof message === "string" ? TEXT : BINARY;
    bytes.set(body, 1);
    return bytes;
  },
  decode(bytes) {
    const body = bytes.subarray(1);
    if (bytes[0] === TEXT) return utf8.decode(body);
    if (bytes[0] === BINARY) return body.slice();
    throw new FramedError("INVALID_MESSAGE", `a backplane message has unknown kind byte ${bytes[0]}`);
  },
};
