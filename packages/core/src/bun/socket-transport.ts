/**
 * ByteTransport over a Bun socket (`Bun.connect` / `Bun.listen`): Bun calls one handler object for all its
 * sockets, so each socket carries its transport in `socket.data` and the shared handlers forward to it.
 */
import { concatBytes } from "../bytes.ts";
import { CONCAT_LIMIT, DETACH_BELOW, PendingWrites } from "../pending-writes.ts";
import type { ByteTransport, TransportEvents } from "../transport.ts";
import type { WriteSlab } from "../write-slab.ts";
import type { BunSocket, BunSocketHandler } from "./bun-api.ts";
import { canWriteVectored, writeVectored } from "./vectored-write.ts";

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
 *
 * @example
 * ```ts
 * Bun.listen({ hostname: "127.0.0.1", port: 9000, socket: bunSocketHandlers({
 *   onOpen: (socket) => handle(wrap(socket, newline(), { role: "server" })),
 * }) });
 * ```
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
 * Bytes in and out of one Bun socket. Writes made in one tick (frames written in place into the write slab
 * among them, without a view each) leave together in a microtask: joined into one `socket.write` when small,
 * else in one `writev` on a plain TCP socket (piece by piece on TLS). What the kernel does not take waits for
 * Bun's `drain` (small pieces copied, large ones kept as they are). Events that come before `start` are held
 * and replayed.
 *
 * @example
 * ```ts
 * const stream = new Connection({ transport: socket.data.transport!, framing, role: "server" });
 * ```
 */
export class BunSocketTransport implements ByteTransport {
  readonly writable = true;
  private events: TransportEvents | undefined;
  private early: Array<(events: TransportEvents) => void> = [];
  private readonly highWaterMark: number;
  /** Several pieces leave in one `writev` (a plain TCP socket; see vectored-write.ts). */
  private readonly vectored: boolean;
  /** This tick's writes, flushed in a microtask. */
  private pending: PendingWrites | undefined;
  /** Bytes the kernel did not take yet, in order: copies of small pieces, views of large ones. */
  private backlog: Uint8Array[] = [];
  private backlogBytes = 0;
  private needDrain = false;
  private readDone = false;
  private writeDone = false;
  /** Our FIN waits for the backlog. */
  private finPending = false;
  private closed = false;
  private error: unknown;

  constructor(
    private readonly socket: BunSocket<BunSocketData>,
    options: BunTransportOptions = {},
  ) {
    // Writes are coalesced per tick, so Nagle's delay would only add latency.
    socket.setNoDelay?.(true);
    this.highWaterMark = options.writableHighWaterMark ?? 1024 * 1024;
    this.vectored = canWriteVectored(socket);
  }

  start(events: TransportEvents): void {
    this.events = events;
    const early = this.early;
    this.early = [];
    for (const replay of early) replay(events);
  }

  write(chunk: Uint8Array): boolean {
    const pending = this.pendingWrites();
    if (pending === undefined) return false;
    pending.add(chunk);
    return this.hasRoom(pending);
  }

  writeSlab(slab: WriteSlab, size: number): boolean {
    const pending = this.pendingWrites();
    if (pending === undefined) return false;
    pending.addSlab(slab, size);
    return this.hasRoom(pending);
  }

  pause(): void {
    this.socket.pause?.();
  }

  resume(): void {
    this.socket.resume?.();
  }

  end(): void {
    if (this.writeDone) return;
    this.flush();
    this.writeDone = true;
    this.finPending = true;
    this.sendFinWhenWritten();
  }

  destroy(error?: unknown): void {
    if (this.closed) return;
    if (error !== undefined) this.error ??= error;
    this.writeDone = true;
    this.readDone = true;
    this.pending = undefined;
    this.backlog = [];
    try {
      this.socket.terminate();
    } catch {
      // Already closed.
    }
    this.emitClose();
  }

  private pendingWrites(): PendingWrites | undefined {
    if (this.writeDone || this.closed) return undefined;
    if (this.pending === undefined) {
      this.pending = new PendingWrites();
      queueMicrotask(this.flush);
    }
    return this.pending;
  }

  private hasRoom(pending: PendingWrites): boolean {
    if (pending.size + this.backlogBytes >= this.highWaterMark) this.needDrain = true;
    return !this.needDrain;
  }

  private readonly flush = (): void => {
    const pending = this.pending;
    if (pending === undefined) return;
    this.pending = undefined;
    const size = pending.size;
    const pieces = pending.take();
    if (this.closed || pieces.length === 0) return;
    const batch = pieces.length === 1 ? pieces : size <= CONCAT_LIMIT ? [concatBytes(pieces)] : pieces;
    if (this.backlog.length > 0) {
      for (const piece of batch) this.queue(piece);
    } else {
      const from = skipWritten(batch, this.writeVectored(batch));
      const corked = this.cork(batch.length);
      for (let i = from; i < batch.length; i++) {
        const piece = batch[i];
        const written = this.socket.write(piece);
        if (written < 0) {
          this.destroy(new Error("the Bun socket closed while writing"));
          return;
        }
        if (written < piece.length) {
          // The kernel is full: this piece's rest and every later one wait for `drain`, in order.
          this.queue(piece.subarray(written));
          for (let j = i + 1; j < batch.length; j++) this.queue(batch[j]);
          break;
        }
      }
      if (corked) this.uncork();
    }
    this.drainIfRoom();
  };

  /** Where the socket takes `writev` and there are several `pieces`, write what the kernel takes; returns its bytes. */
  private writeVectored(pieces: Uint8Array[]): number {
    return this.vectored && pieces.length > 1 ? writeVectored(this.socket, pieces) : 0;
  }

  /**
   * Before writing `pieces` separate pieces where they cannot leave in one `writev` (TLS: each piece is its own
   * `socket.write`, a large frame's header and its payload among them): with more than one, turn Nagle on so
   * that a small piece is not pushed alone as a segment of its own but joins the next ones; {@link uncork}
   * turns it off again, which pushes everything at once, before this synchronous call ends. What Node's
   * `cork`/writev give, without copying a payload to join it to its header (a copy measured slower than the
   * second write).
   */
  private cork(pieces: number): boolean {
    if (pieces < 2 || this.vectored || this.socket.setNoDelay === undefined) return false;
    this.socket.setNoDelay(false);
    return true;
  }

  private uncork(): void {
    this.socket.setNoDelay?.(true);
  }

  /**
   * Keep what the kernel did not take. A small piece is copied (its view could hold a 64 KiB write slab alive);
   * a large one is kept as it is, as Node's stream keeps what it queues: the caller's bytes are not copied.
   */
  private queue(rest: Uint8Array): void {
    this.backlog.push(rest.length < DETACH_BELOW ? rest.slice() : rest);
    this.backlogBytes += rest.length;
  }

  /** Bun's `drain`: write what waits, then tell a waiting sender, then send our FIN if it was waiting. */
  onDrain(): void {
    const corked = this.cork(this.backlog.length);
    const full = this.writeBacklog();
    if (corked && !this.closed) this.uncork();
    if (full) return;
    this.drainIfRoom();
    this.sendFinWhenWritten();
  }

  /** Write what waits, in order, until the kernel is full (returns true) or nothing waits. */
  private writeBacklog(): boolean {
    const written = this.writeVectored(this.backlog);
    if (written > 0) {
      this.backlogBytes -= written;
      this.backlog.splice(0, skipWritten(this.backlog, written));
    }
    while (this.backlog.length > 0) {
      const head = this.backlog[0];
      const written = this.socket.write(head);
      if (written < 0) {
        this.destroy(new Error("the Bun socket closed while writing"));
        return true;
      }
      this.backlogBytes -= written;
      if (written < head.length) {
        this.backlog[0] = head.subarray(written);
        return true;
      }
      this.backlog.shift();
    }
    return false;
  }

  private drainIfRoom(): void {
    if (!this.needDrain || this.pending !== undefined || this.backlogBytes >= this.highWaterMark) return;
    this.needDrain = false;
    this.events?.drained();
  }

  private sendFinWhenWritten(): void {
    if (!this.finPending || this.backlog.length > 0 || this.closed) return;
    this.finPending = false;
    // Our FIN; the socket stays open for reading until the peer's, then Bun reports close.
    if (this.readDone) this.socket.end();
    else this.socket.shutdown(true);
  }

  onData(bytes: Uint8Array): void {
    // Bun hands every `data` call a fresh buffer, so it is ours to keep.
    if (this.events) this.events.receive(bytes);
    else this.early.push((events) => events.receive(bytes));
  }

  onEnd(): void {
    if (this.readDone) return;
    this.readDone = true;
    if (this.events) this.events.receiveEnd();
    else this.early.push((events) => events.receiveEnd());
    // Both sides finished: Bun closes the socket once our FIN is out.
    if (this.writeDone && !this.finPending) this.socket.end();
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
    this.pending = undefined;
    this.backlog = [];
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
    events.transportClosed(this.error);
  }
}

/**
 * After `written` bytes of `pieces` left: the index of the first piece not wholly written, which is cut to its
 * unwritten rest (`pieces.length` when all left).
 */
function skipWritten(pieces: Uint8Array[], written: number): number {
  let from = 0;
  let left = written;
  while (from < pieces.length && left >= pieces[from].length) {
    left -= pieces[from].length;
    from++;
  }
  if (left > 0) pieces[from] = pieces[from].subarray(left);
  return from;
}
