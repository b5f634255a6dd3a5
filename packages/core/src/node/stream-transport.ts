/**
 * ByteTransport over Node streams: a `net.Socket` (or any Duplex), or a Readable + Writable pair (stdio).
 *
 * No WHATWG streams and no promise per chunk: `data` events go straight to the session, and all
 * writes made in one tick leave in one `write` (a run of write-slab frames as one view, other small
 * batches concatenated, large ones corked).
 */
import * as net from "node:net";
import type { Readable, Writable } from "node:stream";
import { CONCAT_LIMIT, DETACH_BELOW, PendingWrites } from "../pending-writes.ts";
import type { ByteTransport, TransportEvents } from "../transport.ts";
import type { WriteSlab } from "../write-slab.ts";

export interface NodeTransportOptions {
  /** Bytes buffered before `write` reports backpressure. Default 1 MiB (never below the stream's own mark). */
  writableHighWaterMark?: number;
}

/**
 * Adapt Node streams to a ByteTransport. Pass the same Duplex twice for a socket.
 *
 * @example
 * ```ts
 * const transport = nodeStreamTransport(socket, socket);
 * const stdioTransport = nodeStreamTransport(process.stdin, process.stdout);
 * ```
 */
export function nodeStreamTransport(
  input: Readable,
  output: Writable | null,
  options: NodeTransportOptions = {},
): ByteTransport {
  // Writes are coalesced per tick here, so Nagle's delay would only add latency to a socket.
  if ((output as unknown) === input && input instanceof net.Socket) input.setNoDelay(true);
  return new NodeStreamTransport(input, output, options);
}

class NodeStreamTransport implements ByteTransport {
  readonly writable: boolean;
  private readonly highWaterMark: number;
  private events!: TransportEvents;
  /** Writes of this tick, flushed on the next; none between ticks (an idle connection holds nothing). */
  private pending: PendingWrites | undefined;
  private flushScheduled = false;
  private needDrain = false;
  private ending = false;
  private error: unknown;
  private inputDone = false;
  private outputDone: boolean;
  private closed = false;
  /** One Duplex for both directions (a socket) rather than a stdio-like pair. */
  private readonly isDuplex: boolean;

  constructor(
    private readonly input: Readable,
    private readonly output: Writable | null,
    options: NodeTransportOptions,
  ) {
    this.isDuplex = (output as unknown) === input;
    this.writable = output !== null;
    this.outputDone = output === null;
    this.highWaterMark = Math.max(options.writableHighWaterMark ?? 1024 * 1024, output?.writableHighWaterMark ?? 0);
  }

  start(events: TransportEvents): void {
    this.events = events;
    const { input, output } = this;
    (input as Tagged)[kTransport] = this;
    input.on("data", onInputData);
    input.on("end", onInputEnd);
    input.on("error", onError);
    if (output) {
      (output as Tagged)[kTransport] = this;
      output.on("drain", onOutputDrain);
    }
    if (this.isDuplex) {
      input.on("close", onDuplexClose);
      return;
    }
    input.on("close", onInputClose);
    if (output) {
      output.on("error", onError);
      output.on("finish", onOutputFinished);
      output.on("close", onOutputFinished);
    }
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

  /** This tick's writes, with a flush scheduled for them; undefined once writing is over. */
  private pendingWrites(): PendingWrites | undefined {
    if (this.closed || this.ending || !this.output) return undefined;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(flushTransport, this);
    }
    return (this.pending ??= new PendingWrites());
  }

  /** This tick's writes plus what the Node stream holds for the kernel. */
  get bufferedAmount(): number {
    return (this.pending?.size ?? 0) + (this.output?.writableLength ?? 0);
  }

  private hasRoom(pending: PendingWrites): boolean {
    if (pending.size + (this.output as Writable).writableLength >= this.highWaterMark) this.needDrain = true;
    return !this.needDrain;
  }

  pause(): void {
    this.input.pause();
  }

  resume(): void {
    this.input.resume();
  }

  end(): void {
    if (this.ending || this.closed) return;
    this.flush();
    this.ending = true;
    if (this.output) this.output.end();
    else this.input.destroy();
  }

  destroy(error?: unknown): void {
    if (this.closed) return;
    if (error !== undefined) this.error ??= error;
    this.pending = undefined;
    this.input.destroy();
    if (this.output && !this.isDuplex) this.output.destroy();
  }

  /** @internal */
  flush(): void {
    this.flushScheduled = false;
    const output = this.output;
    const pending = this.pending;
    if (!output || pending === undefined || this.closed || output.destroyed) return;
    this.pending = undefined;
    const size = pending.size;
    const pieces = pending.take();
    // A socket that is already backlogged queues what it is given until the peer reads: a view of the write
    // slab would keep the whole 64 KiB slab alive for a few bytes, so small pieces are copied out instead.
    const backlogged = output.writableLength > 0;
    let hasRoom = true;
    if (pieces.length === 1 && !(backlogged && size < DETACH_BELOW)) {
      hasRoom = output.write(pieces[0]);
    } else if (pieces.length > 0 && size <= CONCAT_LIMIT) {
      hasRoom = output.write(Buffer.concat(pieces, size));
    } else if (pieces.length > 0) {
      output.cork();
      for (const chunk of pieces) {
        hasRoom = output.write(backlogged && chunk.length < DETACH_BELOW ? Buffer.from(chunk) : chunk);
      }
      output.uncork();
    }
    if (this.needDrain && hasRoom && output.writableLength < this.highWaterMark) {
      this.needDrain = false;
      this.events.drained();
    }
  }

  /** @internal */
  onData(chunk: Uint8Array | string): void {
    this.events.receive(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  }

  /** @internal */
  onInputEnd(): void {
    this.events.receiveEnd();
  }

  /** @internal */
  onInputClose(): void {
    this.inputDone = true;
    this.maybeClose();
  }

  /** @internal */
  onOutputFinished(): void {
    this.outputDone = true;
    this.maybeClose();
  }

  /** @internal */
  onOutputDrain(): void {
    if (!this.needDrain || this.pending !== undefined) return;
    this.needDrain = false;
    this.events.drained();
  }

  /** @internal */
  fail(error: unknown): void {
    this.error ??= error;
    // A socket emits close after error; a stdio pair may not, so close both ends now.
    if (!this.isDuplex) this.destroy();
  }

  private maybeClose(): void {
    if (this.inputDone && this.outputDone) this.emitClose();
    else if (this.error !== undefined && (this.inputDone || this.outputDone)) this.emitClose();
  }

  /** @internal */
  emitClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.events.transportClosed(this.error);
  }
}

// Socket listeners are module functions (`this` is the stream) that find their transport through a
// symbol, as ws does: closures per connection would cost ~56 bytes each, for every idle connection.

const kTransport = Symbol("framed.nodeStreamTransport");
type Tagged = (Readable | Writable) & { [kTransport]: NodeStreamTransport };

function onInputData(this: Tagged, chunk: Uint8Array | string): void {
  this[kTransport].onData(chunk);
}

function onInputEnd(this: Tagged): void {
  this[kTransport].onInputEnd();
}

function onError(this: Tagged, error: Error): void {
  this[kTransport].fail(error);
}

function onOutputDrain(this: Tagged): void {
  this[kTransport].onOutputDrain();
}

function onDuplexClose(this: Tagged): void {
  this[kTransport].emitClose();
}

function onInputClose(this: Tagged): void {
  this[kTransport].onInputClose();
}

function onOutputFinished(this: Tagged): void {
  this[kTransport].onOutputFinished();
}

function flushTransport(transport: NodeStreamTransport): void {
  transport.flush();
}
