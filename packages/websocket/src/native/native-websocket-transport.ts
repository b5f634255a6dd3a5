/**
 * A runtime's own `WebSocket` (browsers, Deno, Bun's client) under a core `Connection`: the runtime already frames, so this
 * one object is the connection's transport, framing and session at once. It only maps the socket's events
 * onto the connection, with backpressure from `bufferedAmount`.
 *
 * A native WebSocket cannot stop its peer: `pause` holds arriving messages here until `resume`.
 */
import {
  type ByteTransport,
  FramedError,
  type Framing,
  type FramingSession,
  type SessionSink,
  type TransportEvents,
} from "@framed/core";

type WebSocketMessage = string | Uint8Array;

/** How often `bufferedAmount` is polled while a sender waits (the WebSocket API has no drain event). */
const DRAIN_POLL_MS = 10;

/**
 * @example
 * ```ts
 * const native = new NativeWebSocketTransport(socket, 1024 * 1024);
 * const stream = new Connection({ transport: native, framing: native, role: "client" });
 * ```
 */
export class NativeWebSocketTransport
  implements ByteTransport, Framing<WebSocketMessage>, FramingSession<WebSocketMessage>
{
  readonly name = "websocket";
  readonly writable = true;
  private events!: TransportEvents;
  private sink!: SessionSink<WebSocketMessage>;
  private held: Array<string | Uint8Array> = [];
  private paused = false;
  private ended = false;
  private closed = false;
  private drainTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly socket: WebSocket,
    private readonly highWaterMark: number,
  ) {
    socket.binaryType = "arraybuffer";
  }

  open(sink: SessionSink<WebSocketMessage>): FramingSession<WebSocketMessage> {
    this.sink = sink;
    return this;
  }

  start(events: TransportEvents): void {
    this.events = events;
    const sink = this.sink;
    this.socket.addEventListener("message", (event) => {
      const data = event.data;
      const message = typeof data === "string" ? data : new Uint8Array(data as ArrayBuffer);
      if (this.paused || this.held.length > 0) this.held.push(message);
      else sink.message(message);
    });
    this.socket.addEventListener("close", (event) => this.onClose(event));
    if (this.socket.readyState === 3) this.onClose({ code: 1006, reason: "", wasClean: false } as CloseEvent);
  }

  /** The runtime decodes: no bytes come through the connection. */
  receive(): void {}

  receiveEnd(): void {}

  /** Bytes as one binary message (the connection itself only ever sends messages). */
  write(bytes: Uint8Array): boolean {
    return this.send(bytes);
  }

  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  send(message: string | Uint8Array): boolean {
    if (this.socket.readyState !== 1)
      throw new FramedError("CLOSED", `cannot send: the WebSocket to ${this.socket.url} is not open`);
    if (typeof message !== "string" && !(message instanceof Uint8Array)) {
      throw new FramedError("INVALID_MESSAGE", "a WebSocket message is a string (text) or a Uint8Array (binary)");
    }
    // Our bytes are never backed by a SharedArrayBuffer, which is all the narrower type rules out.
    this.socket.send(message as string | Uint8Array<ArrayBuffer>);
    if (this.socket.bufferedAmount < this.highWaterMark) return true;
    this.pollForDrain();
    return false;
  }

  close(code = 1000, reason = ""): boolean {
    if (this.socket.readyState !== 0 && this.socket.readyState !== 1) return true;
    try {
      this.socket.close(code, reason);
    } catch (error) {
      // Browsers accept only 1000 and 3000–4999 from scripts; Deno's server sockets also take 1001 and others.
      throw new RangeError(`this WebSocket refused close code ${code}: ${(error as Error).message}`);
    }
    return true;
  }

  end(): void {
    if (this.socket.readyState === 0 || this.socket.readyState === 1) this.socket.close(1000);
  }

  destroy(): void {
    if (this.socket.readyState === 0 || this.socket.readyState === 1) this.socket.close(1000);
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    while (this.held.length > 0 && !this.paused) this.sink.message(this.held.shift() as string | Uint8Array);
  }

  private pollForDrain(): void {
    if (this.drainTimer !== undefined) return;
    const check = () => {
      this.drainTimer = undefined;
      if (this.closed) return;
      if (this.socket.bufferedAmount < this.highWaterMark) this.events.drained();
      else this.drainTimer = setTimeout(check, DRAIN_POLL_MS);
    };
    this.drainTimer = setTimeout(check, DRAIN_POLL_MS);
  }

  private onClose(event: CloseEvent): void {
    if (this.closed) return;
    // Messages that arrived before the close are still delivered (to a paused reader, later).
    this.paused = false;
    this.resume();
    if (!this.ended) {
      this.ended = true;
      if (event.code === 1006 || !event.wasClean) {
        const error = new FramedError(
          "CONNECTION_RESET",
          `the WebSocket to ${this.socket.url} closed abnormally (${event.code})`,
          {
            closeCode: event.code,
          },
        );
        this.sink.end({ error, code: event.code });
      } else {
        this.sink.end({ code: event.code, reason: event.reason });
      }
    }
    this.closed = true;
    if (this.drainTimer !== undefined) clearTimeout(this.drainTimer);
    this.events.transportClosed();
  }
}
