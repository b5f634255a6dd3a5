/**
 * ByteTransport over a Bun socket (`Bun.connect` / `Bun.listen`): Bun calls one handler object for all its
 * sockets, so each socket carries its transport in `socket.data` and the shared handlers forward to it.
 */
import type { ByteTransport, TransportEvents } from "../transport.ts";
import { WriteCoalescer } from "../write-coalescer.ts";
import type { BunSocket, BunSocketHandler } from "./bun-api.ts";

/** What a socket carries: its transport, set in `open` (or when the caller wraps it). */
export interface BunSocketData {
  transport?: BunSocketTransport;
}

/** Options for {@link BunSocketTransport}. */
export interface BunTransportOptions {
  /** Bytes queued for the socket before `write` reports backpressure. Default 1 MiB. */
  writableHighWaterMark?: number;
}

/**
 * The handlers to give `Bun.listen` / `Bun.connect`: each socket's events go to its transport, and a socket
 * without one yet (data before the stream exists) has them kept by a transport made in `open`.
 */
export function bunSocketHandlers(
  options: BunTransportOptions & { onOpen?(socket: BunSocket<BunSocketData>): void } = {},
): BunSocketHandler<BunSocketData> {
  return {
    open(socket) {
      socket.data ??= {};
      socket.data.transport ??= new BunSocketTransport(socket, options);
      options.onOpen?.(socket);
    },
    data: (socket, bytes) => socket.data?.transport?.onData(bytes),
    drain: (socket) => socket.data?.transport?.onDrain(),
    end: (socket) => socket.data?.transport?.onEnd(),
    close: (socket, error) => socket.data?.transport?.onClose(error),
    error: (socket, error) => socket.data?.transport?.onError(error),
  };
}

/**
 * Bytes in and out of one Bun socket. Writes made in one tick leave as one `socket.write`; what the kernel
 * does not take waits for Bun's `drain`. Events that come before `start` are held and replayed.
 *
 * @example
 * ```ts
 * const stream = new FramedStream({ transport: socket.data.transport!, framing, role: "server" });
 * ```
 */
export class BunSocketTransport implements ByteTransport {
  readonly writable = true;
  /** Reading is paused for a slow reader (a keep-alive clock then gives the peer the benefit of the doubt). */
  paused = false;
  private events: TransportEvents | undefined;
  private early: Array<(events: TransportEvents) => void> = [];
  private readonly writer: WriteCoalescer;
  /** The unwritten rest of the batch in flight, and who waits for it to be written. */
  private rest: Uint8Array | undefined;
  private restWritten: (() => void) | undefined;
  private readDone = false;
  private writeDone = false;
  private closed = false;
  private error: unknown;

  constructor(
    private readonly socket: BunSocket<BunSocketData>,
    options: BunTransportOptions = {},
  ) {
    // Writes are coalesced per tick, so Nagle's delay would only add latency.
    socket.setNoDelay?.(true);
    this.writer = new WriteCoalescer(
      { write: (bytes) => this.writeAll(bytes) },
      options.writableHighWaterMark ?? 1024 * 1024,
      () => this.events?.drain(),
      (error) => this.destroy(error),
    );
  }

  start(events: TransportEvents): void {
    this.events = events;
    const early = this.early;
    this.early = [];
    for (const replay of early) replay(events);
  }

  write(chunk: Uint8Array): boolean {
    if (this.writeDone) return false;
    return this.writer.write(chunk);
  }

  pause(): void {
    this.paused = true;
    this.socket.pause?.();
  }

  resume(): void {
    this.paused = false;
    this.socket.resume?.();
  }

  end(): void {
    if (this.writeDone) return;
    this.writeDone = true;
    this.writer.idle().then(() => {
      if (this.closed) return;
      // Our FIN; the socket stays open for reading until the peer's, then Bun reports close.
      if (this.readDone) this.socket.end();
      else this.socket.shutdown(true);
    });
  }

  destroy(error?: unknown): void {
    if (this.closed) return;
    if (error !== undefined) this.error ??= error;
    this.writeDone = true;
    this.readDone = true;
    this.writer.discard();
    this.releaseRest();
    try {
      this.socket.terminate();
    } catch {
      // Already closed.
    }
    this.emitClose();
  }

  /** Hand `bytes` to the socket, waiting for `drain` while the kernel takes only part of them. */
  private writeAll(bytes: Uint8Array): Promise<void> | void {
    const written = this.socket.write(bytes);
    if (written === bytes.length) return;
    if (written < 0) throw new Error("the Bun socket is closed");
    this.rest = bytes.subarray(written);
    return new Promise((resolve) => (this.restWritten = resolve));
  }

  onDrain(): void {
    const rest = this.rest;
    if (rest === undefined) return;
    const written = this.socket.write(rest);
    if (written < 0) this.destroy(new Error("the Bun socket closed while writing"));
    else if (written < rest.length) this.rest = rest.subarray(written);
    else this.releaseRest();
  }

  private releaseRest(): void {
    const resolve = this.restWritten;
    this.rest = undefined;
    this.restWritten = undefined;
    resolve?.();
  }

  onData(bytes: Uint8Array): void {
    // Bun hands every `data` call a fresh buffer, so it is ours to keep.
    if (this.events) this.events.data(bytes);
    else this.early.push((events) => events.data(bytes));
  }

  onEnd(): void {
    if (this.readDone) return;
    this.readDone = true;
    if (this.events) this.events.end();
    else this.early.push((events) => events.end());
    // Both sides finished: Bun closes the socket once our FIN is out.
    if (this.writeDone) this.writer.idle().then(() => this.socket.end());
  }

  onError(error: Error): void {
    this.error ??= error;
  }

  onClose(error?: Error): void {
    if (error !== undefined) this.error ??= error;
    // Bun may report close without `end` when both sides finished together; a clean close still ends input.
    if (!this.readDone && this.error === undefined) this.onEnd();
    this.readDone = true;
    this.writeDone = true;
    this.writer.discard();
    this.releaseRest();
    this.emitClose();
  }

  private emitClose(): void {
    if (this.closed) return;
    const events = this.events;
    if (!events) {
      this.early.push((later) => this.emitCloseTo(later));
      return;
    }
    this.emitCloseTo(events);
  }

  private emitCloseTo(events: TransportEvents): void {
    if (this.closed) return;
    this.closed = true;
    events.close(this.error);
  }
}
