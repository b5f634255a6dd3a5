/**
 * The outbox of a reconnecting stream: messages sent while there is no connection, kept in order and
 * bounded in count and in bytes, with a policy for what happens past the bound.
 */
import { FramedError } from "../errors.ts";
import { optionError } from "./backoff.ts";

/** What the outbox does with a send that would pass its bound. */
export type OutboxPolicy = "reject" | "drop-oldest";

/** Bounds of the outbox. */
export interface OutboxOptions<T> {
  /** Most messages held. Default 1024. 0 refuses to queue at all. */
  maxMessages?: number;
  /** Most bytes held (as counted by `sizeOf`). Default 1 MiB. */
  maxBytes?: number;
  /**
   * Past a bound: `"reject"` (default) fails the new send with `OUTBOX_FULL` and keeps what is queued;
   * `"drop-oldest"` discards the oldest messages until the new one fits (reported to `onDrop`). A single
   * message larger than `maxBytes` is rejected under both policies.
   */
  policy?: OutboxPolicy;
  /** Bytes a message counts for. Default: UTF-8 length of a string, `byteLength` of bytes, UTF-8 length of the JSON of anything else. */
  sizeOf?: (message: T) => number;
}

/** Queued messages, oldest first, with their total size. */
export class Outbox<T> {
  private readonly messages: T[] = [];
  private readonly sizes: number[] = [];
  /** Index of the oldest message still queued (a moving head, so dropping the oldest is O(1)). */
  private head = 0;
  /** Bytes queued. */
  bytes = 0;
  readonly maxMessages: number;
  readonly maxBytes: number;
  readonly policy: OutboxPolicy;
  private readonly sizeOf: (message: T) => number;

  constructor(options: OutboxOptions<T> = {}) {
    this.maxMessages = options.maxMessages ?? 1024;
    this.maxBytes = options.maxBytes ?? 1024 * 1024;
    this.policy = options.policy ?? "reject";
    this.sizeOf = options.sizeOf ?? defaultSizeOf;
    if (!Number.isSafeInteger(this.maxMessages) || this.maxMessages < 0) {
      throw optionError("outbox.maxMessages", this.maxMessages, "a non-negative safe integer");
    }
    if (!Number.isSafeInteger(this.maxBytes) || this.maxBytes < 0) {
      throw optionError("outbox.maxBytes", this.maxBytes, "a non-negative safe integer");
    }
    if (this.policy !== "reject" && this.policy !== "drop-oldest") {
      throw optionError("outbox.policy", this.policy, '"reject" or "drop-oldest"');
    }
  }

  /** Messages queued. */
  get length(): number {
    return this.messages.length - this.head;
  }

  /**
   * Queue `message`. Returns the messages dropped to make room (policy `"drop-oldest"`), oldest first.
   * @throws FramedError `OUTBOX_FULL` when it does not fit and the policy is `"reject"`, or it is larger
   * than the whole outbox.
   */
  push(message: T): T[] {
    const size = this.sizeOf(message);
    if (size > this.maxBytes || this.maxMessages === 0) {
      throw new FramedError(
        "OUTBOX_FULL",
        `a message of ${size} bytes cannot be queued while disconnected: the outbox holds at most ${this.maxMessages} messages and ${this.maxBytes} bytes`,
      );
    }
    const fits = () => this.length < this.maxMessages && this.bytes + size <= this.maxBytes;
    const dropped: T[] = [];
    if (!fits()) {
      if (this.policy === "reject") {
        throw new FramedError(
          "OUTBOX_FULL",
          `the outbox is full (${this.length} of ${this.maxMessages} messages, ${this.bytes} of ${this.maxBytes} bytes): a message of ${size} bytes was refused while disconnected`,
        );
      }
      while (!fits()) dropped.push(this.shift() as T);
    }
    this.messages.push(message);
    this.sizes.push(size);
    this.bytes += size;
    return dropped;
  }

  /** Take every queued message, oldest first, leaving the outbox empty. */
  takeAll(): T[] {
    const all = this.messages.slice(this.head);
    this.messages.length = 0;
    this.sizes.length = 0;
    this.head = 0;
    this.bytes = 0;
    return all;
  }

  private shift(): T | undefined {
    if (this.length === 0) return undefined;
    const message = this.messages[this.head] as T;
    this.bytes -= this.sizes[this.head] as number;
    this.messages[this.head] = undefined as T;
    this.head++;
    // Compact once half the array is dead, so a long run of drops stays O(1) amortised and bounded.
    if (this.head * 2 >= this.messages.length) {
      this.messages.splice(0, this.head);
      this.sizes.splice(0, this.head);
      this.head = 0;
    }
    return message;
  }
}

/** Bytes a message takes on the wire before framing overhead, without encoding it. */
export function defaultSizeOf(message: unknown): number {
  if (typeof message === "string") return utf8Length(message);
  if (ArrayBuffer.isView(message)) return message.byteLength;
  if (message instanceof ArrayBuffer) return message.byteLength;
  return utf8Length(JSON.stringify(message) ?? "");
}

/** UTF-8 length of `text` (a lone surrogate counts 3, as TextEncoder writes U+FFFD). */
export function utf8Length(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) length += 1;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length += 2; // a pair: 2 UTF-16 units → 4 bytes
        i++;
      } else length += 2;
    } else length += 2;
  }
  return length;
}
