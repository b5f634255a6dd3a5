/**
 * One of Bun's own server WebSockets (`Bun.serve({ websocket })`) under a core `Connection`. Bun frames, so this
 * one object is the connection's transport, framing and session at once; it maps Bun's calls onto the
 * connection, adding what Bun lacks: `send` that waits under backpressure, and a
 * byte-bounded queue for a slow reader, since Bun cannot stop reading a socket.
 *
 * When that queue would pass `maxQueuedBytes`, the connection is closed with 1008 (policy violation): the
 * messages already queued are still delivered, then the reader gets POLICY_VIOLATION. Nothing is dropped
 * silently.
 */
import {
  type ByteTransport,
  FramedError,
  type Framing,
  type FramingSession,
  type SessionSink,
  type TransportEvents,
} from "@framed/core";
import type { BunServerWebSocket } from "./bun-api.ts";
import type { BunSendTurn } from "./send-turn.ts";

/** Where each Bun WebSocket keeps its transport (the `data` given to `server.upgrade`). */
export interface BunWebSocketData {
  transport?: BunServerWebSocketTransport;
}

/** Bytes sent per `ws.cork`: uWebSockets' cork buffer is 16 KiB. */
const CORK_BYTES = 12 * 1024;

/** A message's size in bytes, strings counted at their UTF-8 worst case (3 bytes per UTF-16 unit). */
function byteSize(message: string | Uint8Array): number {
  return typeof message === "string" ? message.length * 3 : message.byteLength;
}

type WebSocketMessage = string | Uint8Array;

function notOpen(): FramedError {
  return new FramedError("CLOSED", "cannot send: the Bun WebSocket is not open");
}

/**
 * @example
 * ```ts
 * const bun = new BunServerWebSocketTransport(ws, highWaterMark, maxQueuedBytes, turn);
 * const stream = new Connection({ transport: bun, framing: bun, role: "server", options });
 * ```
 */
export class BunServerWebSocketTransport
  implements ByteTransport, Framing<WebSocketMessage>, FramingSession<WebSocketMessage>
{
  readonly name = "websocket";
  readonly writable = true;
  /**
   * Messages reach the connection only from Bun's `message` callback (or, held for a paused reader, from
   * `resume`), one per call: a `consume` handler runs inside that callback, as a bare Bun echo does, and its
   * reply goes into the cork uWebSockets holds for the read.
   */
  readonly deliversOneByOne = true;
  private events: TransportEvents | undefined;
  private sink!: SessionSink<WebSocketMessage>;
  private outbox: Array<string | Uint8Array> = [];
  private outboxBytes = 0;
  private flushScheduled = false;
  /** Bun's buffered bytes as of the last flush or drain. */
  private bunBuffered = 0;
  private held: Array<string | Uint8Array> = [];
  private heldBytes = 0;
  private paused = false;
  private waitingForDrain = false;
  private overflow: FramedError | undefined;
  private ended = false;
  private closed = false;
  private insideBunCall = false;
  /** A close that came before `start`. */
  private earlyClose: { code: number; reason: string } | undefined;

  constructor(
    private readonly ws: BunServerWebSocket<BunWebSocketData>,
    private readonly highWaterMark: number,
    private readonly maxQueuedBytes: number,
    private readonly turn: BunSendTurn<BunServerWebSocketTransport>,
  ) {}

  open(sink: SessionSink<WebSocketMessage>): FramingSession<WebSocketMessage> {
    this.sink = sink;
    return this;
  }

  /** Bun decodes: no bytes come through the connection. */
  receive(): void {}

  receiveEnd(): void {}

  /** Bytes as one binary message (the connection itself only ever sends messages). */
  write(bytes: Uint8Array): boolean {
    return this.send(bytes);
  }

  start(events: TransportEvents): void {
    this.events = events;
    this.flushHeld();
    if (this.earlyClose) this.onClose(this.earlyClose.code, this.earlyClose.reason);
  }

  send(message: string | Uint8Array): boolean {
    if (typeof message !== "string" && !(message instanceof Uint8Array)) {
      throw new FramedError("INVALID_MESSAGE", "a WebSocket message is a string (text) or a Uint8Array (binary)");
    }
    // While Bun handles this socket's read (see BunSendTurn), a send goes straight into uWebSockets' cork:
    // the read's replies leave in one write, as a bare Bun.serve echo's do. Only when nothing is held, so
    // messages keep their order.
    if (this.turn.reading === this && this.outbox.length === 0) return this.sendNow(message);
    if (this.ws.readyState !== 1) throw notOpen();
    // Any other time, held for the end of the turn and sent corked then.
    this.outbox.push(message);
    this.outboxBytes += byteSize(message);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      this.turn.flushLater(this);
    }
    if (this.outboxBytes + this.bunBuffered < this.highWaterMark) return true;
    this.waitingForDrain = true;
    return false;
  }

  /** One message to Bun at once; false when Bun holds `highWaterMark` bytes or more (the caller waits for drain). */
  private sendNow(message: string | Uint8Array): boolean {
    // Bun says -1 when it holds bytes for a slow peer. No native call per message to ask how many: the first
    // -1 asks, and later ones add their own size to it (only our sends fill Bun's buffer, so the sum is never
    // below Bun's figure), asking again before making the sender wait.
    const sent = this.ws.send(message);
    if (sent !== -1) {
      // 0: dropped, or an empty message. Only then is the (native) readyState asked, not on every send.
      if (sent === 0 && this.ws.readyState !== 1) throw notOpen();
      this.bunBuffered = 0;
      return true;
    }
    this.bunBuffered = this.bunBuffered === 0 ? this.ws.getBufferedAmount() : this.bunBuffered + byteSize(message);
    if (this.bunBuffered < this.highWaterMark) return true;
    this.bunBuffered = this.ws.getBufferedAmount();
    if (this.bunBuffered < this.highWaterMark) return true;
    this.waitingForDrain = true;
    return false;
  }

  /** Send the outbox now, uncorked: only inside a Bun handler, where the socket is already corked. */
  private sendOutbox(): void {
    const outbox = this.outbox;
    this.outbox = [];
    this.outboxBytes = 0;
    for (const message of outbox) this.ws.send(message);
  }

  /** The end of the turn (BunSendTurn): what was held goes out corked. */
  flush(): void {
    this.flushScheduled = false;
    const outbox = this.outbox;
    this.outbox = [];
    this.outboxBytes = 0;
    // Empty when Bun's handlers sent it already; closing: Bun reports the close, which ends the stream.
    if (outbox.length > 0 && this.ws.readyState === 1) this.sendCorked(outbox);
    // Asked once per flush, not per send: a native call per message cost as much as the send.
    if (this.ws.readyState === 1) this.bunBuffered = this.ws.getBufferedAmount();
    this.onDrain();
  }

  private sendCorked(outbox: Array<string | Uint8Array>): void {
    let next = 0;
    const sendSome = () => {
      let bytes = 0;
      while (next < outbox.length && bytes < CORK_BYTES) {
        const message = outbox[next++];
        bytes += typeof message === "string" ? message.length : message.byteLength;
        this.ws.send(message);
      }
    };
    while (next < outbox.length) this.ws.cork(sendSome);
  }

  /** Bun's `drain` (its buffer went out), and after each flush: room again for a waiting sender? */
  onDrain(): void {
    if (!this.waitingForDrain || this.flushScheduled) return;
    this.bunBuffered = this.ws.getBufferedAmount();
    if (this.bunBuffered >= this.highWaterMark) return;
    this.waitingForDrain = false;
    this.events?.drained();
  }

  close(code = 1000, reason = ""): boolean {
    if (this.ws.readyState === 1) this.closeSocket(code, reason);
    return true;
  }

  end(): void {
    if (this.ws.readyState === 1) this.closeSocket(1000, "");
  }

  destroy(): void {
    if (this.ws.readyState > 1) return;
    this.insideBunCall = true;
    try {
      this.ws.terminate();
    } finally {
      this.insideBunCall = false;
    }
  }

  /** Bun runs the `close` handler inside `ws.close()`; it is handled once the caller's call returned. */
  private closeSocket(code: number, reason: string): void {
    // What was sent before the close goes out before it.
    if (this.outbox.length > 0) this.flush();
    if (this.turn.reading === this) this.turn.reading = undefined;
    this.insideBunCall = true;
    try {
      this.ws.close(code, reason);
    } finally {
      this.insideBunCall = false;
    }
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.flushHeld();
  }

  /** Bun's `message`. */
  onMessage(message: string | Uint8Array): void {
    this.turn.enter(this);
    // Inside Bun's handler uWebSockets has corked the socket for the whole read: replies to the messages before
    // this one go out here, in that cork, and the turn's flush only sends what is left.
    if (this.outbox.length > 0 && this.ws.readyState === 1) this.sendOutbox();
    if (this.overflow) return;
    if (this.events && !this.paused && this.held.length === 0) {
      this.sink.message(message);
      return;
    }
    const size = byteSize(message);
    if (this.heldBytes + size > this.maxQueuedBytes) {
      this.overflow = new FramedError(
        "POLICY_VIOLATION",
        `the reader fell ${this.heldBytes + size} bytes behind, over maxQueuedBytes (${this.maxQueuedBytes}): closed with 1008`,
        { closeCode: 1008 },
      );
      this.closeSocket(1008, "reader too slow");
      return;
    }
    this.held.push(message);
    this.heldBytes += size;
  }

  /** Bun's `close`: the close handshake finished, or the connection dropped (1006). */
  onClose(code: number, reason: string): void {
    if (this.insideBunCall) {
      queueMicrotask(() => this.onClose(code, reason));
      return;
    }
    if (!this.events) {
      this.earlyClose = { code, reason };
      return;
    }
    if (this.closed) return;
    // Messages that arrived before the close are still delivered (to a paused reader, later).
    this.paused = false;
    this.flushHeld();
    if (!this.ended) {
      this.ended = true;
      if (this.overflow) this.sink.end({ error: this.overflow, code: 1008 });
      else if (code === 1006) {
        const error = new FramedError("CONNECTION_RESET", "the Bun WebSocket closed abnormally (1006)", {
          closeCode: 1006,
        });
        this.sink.end({ error, code });
      } else this.sink.end({ code, reason });
    }
    this.closed = true;
    this.events.transportClosed();
  }

  private flushHeld(): void {
    if (!this.events) return;
    while (this.held.length > 0 && !this.paused) {
      const message = this.held.shift() as string | Uint8Array;
      this.heldBytes -= byteSize(message);
      this.sink.message(message);
    }
  }
}
