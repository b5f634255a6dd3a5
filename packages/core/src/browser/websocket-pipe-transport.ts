/**
 * ByteTransport over a browser `WebSocket` used as a byte pipe: each binary WebSocket message is a
 * chunk of an ordinary byte stream, and framing happens on top (length prefix, NDJSON…).
 *
 * A browser WebSocket cannot stop its peer, so `pause` only stops delivery and holds chunks here;
 * sending watches `bufferedAmount` for backpressure.
 */
import type { ByteTransport, TransportEvents } from "../transport.ts";
import { WriteCoalescer } from "../write-coalescer.ts";

export function webSocketPipeTransport(
  socket: WebSocket,
  options: { writableHighWaterMark?: number } = {},
): ByteTransport {
  return new WebSocketPipeTransport(socket, options.writableHighWaterMark ?? 1024 * 1024);
}

class WebSocketPipeTransport implements ByteTransport {
  readonly writable = true;
  private events!: TransportEvents;
  private readonly coalescer: WriteCoalescer;
  private held: Uint8Array[] = [];
  private paused = false;
  private ended = false;
  private closed = false;
  private readonly encoder = new TextEncoder();

  constructor(
    private readonly socket: WebSocket,
    highWaterMark: number,
  ) {
    socket.binaryType = "arraybuffer";
    this.coalescer = new WriteCoalescer(
      {
        write: (bytes) => this.send(bytes),
        buffered: () => socket.bufferedAmount,
      },
      highWaterMark,
      () => this.events.drained(),
      (error) => this.destroy(error),
    );
  }

  get bufferedAmount(): number {
    return this.coalescer.buffered;
  }

  start(events: TransportEvents): void {
    this.events = events;
    this.socket.addEventListener("message", (event) => {
      const data = event.data;
      const chunk = typeof data === "string" ? this.encoder.encode(data) : new Uint8Array(data as ArrayBuffer);
      if (this.paused || this.held.length > 0) this.held.push(chunk);
      else events.receive(chunk);
    });
    this.socket.addEventListener("close", (event) => {
      if (this.closed) return;
      this.flushHeld();
      const clean = event.wasClean || event.code === 1000 || event.code === 1005;
      if (clean) events.receiveEnd();
      this.emitClose(
        clean
          ? undefined
          : new Error(`WebSocket closed with code ${event.code}${event.reason ? `: ${event.reason}` : ""}`),
      );
    });
  }

  write(chunk: Uint8Array): boolean {
    if (this.ended || this.closed || this.socket.readyState !== 1) return false;
    return this.coalescer.write(chunk);
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.flushHeld();
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.coalescer.idle().then(() => {
      if (this.socket.readyState === 0 || this.socket.readyState === 1) this.socket.close(1000);
    });
  }

  destroy(error?: unknown): void {
    if (this.closed) return;
    this.coalescer.discard();
    if (this.socket.readyState === 0 || this.socket.readyState === 1) this.socket.close(1000);
    this.emitClose(error);
  }

  private flushHeld(): void {
    while (this.held.length > 0 && !this.paused && !this.closed) this.events.receive(this.held.shift() as Uint8Array);
  }

  private send(bytes: Uint8Array): void {
    if (this.socket.readyState !== 1) throw new Error("WebSocket is not open");
    // Our bytes are never backed by a SharedArrayBuffer, which is all the narrower type rules out.
    this.socket.send(bytes as Uint8Array<ArrayBuffer>);
  }

  private emitClose(error?: unknown): void {
    if (this.closed) return;
    this.closed = true;
    this.events.transportClosed(error);
  }
}
