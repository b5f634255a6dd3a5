/**
 * The events sink a TransportStream hands its transport. A class rather than an object literal of arrow
 * functions because every open connection holds one: a closure costs ~56 bytes plus a shared context, a
 * method nothing. It names the stream's side as an interface so this file never imports the stream class.
 */
import type { FramedError } from "./errors.ts";
import type { SessionEnd } from "./framing.ts";
import type { MessageTransportEvents } from "./message-transport.ts";

/** What a stream does with its transport's events (TransportStream implements it). */
export interface TransportEventTarget<T> {
  deliver(message: T, size?: number): void;
  onActivity(): void;
  onWarn(error: FramedError): void;
  onSessionEnd(outcome: SessionEnd): void;
  onDrain(): void;
  onTransportClose(error?: unknown): void;
}

/** Routes a transport's events to its stream. */
export class StreamEvents<T> implements MessageTransportEvents<T> {
  constructor(private readonly stream: TransportEventTarget<T>) {}

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
