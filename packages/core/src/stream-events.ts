/**
 * The two small objects a TransportStream hands out: the events sink its transport calls, and the async
 * iterator `for await` uses. Classes rather than object literals of arrow functions because every open
 * connection holds one of each: a closure costs ~56 bytes plus a shared context, a method nothing.
 */
import type { FramedError } from "./errors.ts";
import type { SessionEnd } from "./framing.ts";
import type { InboundMessages } from "./inbound-messages.ts";
import type { MessageTransportEvents } from "./message-transport.ts";
import type { TransportStream } from "./transport-stream.ts";

export const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/** Routes a transport's events to its stream. */
export class StreamEvents<T> implements MessageTransportEvents<T> {
  constructor(private readonly stream: TransportStream<T>) {}

  message(message: T, size?: number): void {
    this.stream.deliver(message, size);
  }

  activity(): void {
    this.stream.onActivity();
  }

  warn(error: FramedError): void {
    this.stream.onWarn(error);
  }

  end(outcome: SessionEnd): void {
    this.stream.onSessionEnd(outcome);
  }

  drain(): void {
    this.stream.onDrain();
  }

  close(error?: unknown): void {
    this.stream.onTransportClose(error);
  }
}

/** `stream[Symbol.asyncIterator]()`: leaving a `for await` loop early closes the stream. */
export class StreamIterator<T> implements AsyncIterator<T> {
  constructor(private readonly stream: InboundMessages<T>) {}

  next(): Promise<IteratorResult<T>> {
    return this.stream.read();
  }

  return(): Promise<IteratorResult<T>> {
    this.stream.close();
    return Promise.resolve(DONE);
  }
}
