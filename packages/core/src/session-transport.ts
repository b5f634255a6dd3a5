/**
 * `SessionTransport`: a ByteTransport plus a FramingSession seen as one MessageTransport. The only
 * place where bytes meet a framing session.
 */
import type { FramedError } from "./errors.ts";
import type { Framing, FramingSession, Role, SessionEnd, SessionSink, SharedEncoding } from "./framing.ts";
import type { MessageTransport, MessageTransportEvents } from "./message-transport.ts";
import type { ByteTransport, TransportEvents } from "./transport.ts";
import type { WriteSlab } from "./write-slab.ts";

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
  private head: Uint8Array | undefined;
  private writeBlocked = false;
  private ended = false;

  constructor(setup: SessionTransportSetup<T>) {
    this.bytes = setup.transport;
    this.head = setup.head;
    this.session = setup.framing.open(new SinkToTransport(this), { role: setup.role });
  }

  get writable(): boolean {
    return this.bytes.writable;
  }

  get bufferedAmount(): number {
    return this.bytes.bufferedAmount ?? 0;
  }

  get midMessage(): boolean {
    return !this.ended && this.session.midMessage === true;
  }

  start(events: MessageTransportEvents<T>): void {
    this.events = events;
    this.bytes.start(new BytesToSession(this));
    const head = this.head;
    // Dropped once decoded: it may be a view of a large read the connection should not keep alive.
    this.head = undefined;
    if (head && head.length > 0 && !this.ended) this.session.receive(head);
  }

  // ---- from the byte transport (through BytesToSession) -------------------------------------

  /** @internal */
  onData(chunk: Uint8Array): void {
    if (!this.ended) this.session.receive(chunk);
    // After decoding, so a message timer sees whether this chunk finished a message or began one.
    this.events.activity();
  }

  /** @internal */
  onDrain(): void {
    this.writeBlocked = false;
    this.events.drain();
  }

  /** @internal */
  onClose(error: unknown): void {
    // A transport that closed cleanly without an EOF first still ends the input, so the framing can
    // report a cut-off message (TRUNCATED, WebSocket 1006).
    if (error === undefined) this.receiveEnd();
    this.events.close(error);
  }

  /** @internal */
  receiveEnd(): void {
    if (this.ended) return;
    this.session.receiveEnd();
    // A session must end at EOF; if one forgets, the stream still must not hang.
    if (!this.ended) {
      this.ended = true;
      this.events.end({});
    }
  }

  // ---- from the session (through SinkToTransport) -------------------------------------------

  /** @internal */
  onMessage(message: T, size?: number): void {
    this.events.message(message, size);
  }

  /** @internal */
  onWrite(chunk: Uint8Array): void {
    if (!this.bytes.write(chunk)) this.writeBlocked = true;
  }

  /** @internal */
  onWriteSlab(slab: WriteSlab, size: number): void {
    if (!slab.send(this.bytes, size)) this.writeBlocked = true;
  }

  /** @internal */
  onWarn(error: FramedError): void {
    this.events.warn(error);
  }

  /** @internal */
  onSessionEnd(outcome: SessionEnd): void {
    if (this.ended) return;
    this.ended = true;
    this.events.end(outcome);
  }

  // ---- from the stream ----------------------------------------------------------------------

  send(message: T): boolean {
    this.session.send(message);
    return !this.writeBlocked;
  }

  get sharedEncoding(): SharedEncoding<T> | undefined {
    return this.session.sendEncoded === undefined ? undefined : this.session.sharedEncoding;
  }

  sendEncoded(bytes: Uint8Array): boolean {
    (this.session as Required<FramingSession<T>>).sendEncoded(bytes);
    return !this.writeBlocked;
  }

  close(code?: number, reason?: string): boolean {
    return this.ended ? false : this.session.close(code, reason);
  }

  end(): void {
    // Last bytes the framing owes (a WebSocket failure's close frame), after every reply already queued.
    this.session.endOutput?.();
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

// Forwarders rather than object literals of arrow functions: every open connection holds one of each,
// and a method costs nothing per connection where a closure costs ~56 bytes.

class SinkToTransport<T> implements SessionSink<T> {
  constructor(private readonly owner: SessionTransport<T>) {}

  message(message: T, size?: number): void {
    this.owner.onMessage(message, size);
  }

  write(bytes: Uint8Array): void {
    this.owner.onWrite(bytes);
  }

  writeSlab(slab: WriteSlab, size: number): void {
    this.owner.onWriteSlab(slab, size);
  }

  warn(error: FramedError): void {
    this.owner.onWarn(error);
  }

  end(outcome: SessionEnd): void {
    this.owner.onSessionEnd(outcome);
  }
}

class BytesToSession<T> implements TransportEvents {
  constructor(private readonly owner: SessionTransport<T>) {}

  data(chunk: Uint8Array): void {
    this.owner.onData(chunk);
  }

  end(): void {
    this.owner.receiveEnd();
  }

  drain(): void {
    this.owner.onDrain();
  }

  close(error?: unknown): void {
    this.owner.onClose(error);
  }
}
