/**
 * `SessionTransport`: a ByteTransport plus a FramingSession seen as one MessageTransport. The only
 * place where bytes meet a framing session.
 */
import type { Framing, FramingSession, Role } from "./framing.ts";
import type { MessageTransport, MessageTransportEvents } from "./message-transport.ts";
import type { ByteTransport } from "./transport.ts";

export interface SessionTransportSetup<T> {
  transport: ByteTransport;
  framing: Framing<T>;
  role: Role;
  /** Bytes already read from the transport (after an HTTP upgrade, say), decoded first. */
  head?: Uint8Array;
}

export class SessionTransport<T> implements MessageTransport<T> {
  readonly session: FramingSession<T>;
  private events!: MessageTransportEvents<T>;
  private readonly bytes: ByteTransport;
  private readonly head: Uint8Array | undefined;
  private writeBlocked = false;
  private ended = false;

  constructor(setup: SessionTransportSetup<T>) {
    this.bytes = setup.transport;
    this.head = setup.head;
    this.session = setup.framing.open(
      {
        message: (message) => this.events.message(message),
        write: (chunk) => {
          if (!this.bytes.write(chunk)) this.writeBlocked = true;
        },
        warn: (error) => this.events.warn(error),
        end: (outcome) => {
          if (this.ended) return;
          this.ended = true;
          this.events.end(outcome);
        },
      },
      { role: setup.role },
    );
  }

  get writable(): boolean {
    return this.bytes.writable;
  }

  get midMessage(): boolean {
    return !this.ended && this.session.midMessage === true;
  }

  start(events: MessageTransportEvents<T>): void {
    this.events = events;
    this.bytes.start({
      data: (chunk) => {
        if (!this.ended) this.session.receive(chunk);
        // After decoding, so a message timer sees whether this chunk finished a message or began one.
        events.activity();
      },
      end: () => this.receiveEnd(),
      drain: () => {
        this.writeBlocked = false;
        events.drain();
      },
      close: (error) => {
        // A transport that closed cleanly without an EOF first still ends the input, so the framing can
        // report a cut-off message (TRUNCATED, WebSocket 1006).
        if (error === undefined) this.receiveEnd();
        events.close(error);
      },
    });
    if (this.head && this.head.length > 0 && !this.ended) this.session.receive(this.head);
  }

  private receiveEnd(): void {
    if (this.ended) return;
    this.session.receiveEnd();
    // A session must end at EOF; if one forgets, the stream still must not hang.
    if (!this.ended) {
      this.ended = true;
      this.events.end({});
    }
  }

  send(message: T): boolean {
    this.session.send(message);
    return !this.writeBlocked;
  }

  close(code?: number, reason?: string): boolean {
    return this.ended ? false : this.session.close(code, reason);
  }

  end(): void {
    this.bytes.end();
  }

  destroy(error?: unknown): void {
    this.bytes.destroy(error);
  }

  pause(): void {
    this.bytes.pause();
  }

  resume(): void {
    this.bytes.resume();
  }
}
