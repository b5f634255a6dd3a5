/**
 * `ByteTransport`: the tiny interface every runtime adapter implements, and the only thing the
 * stream layer knows about sockets.
 */

import type { WriteSlab } from "./write-slab.ts";

/** Callbacks a transport calls once started. */
export interface TransportEvents {
  /** Bytes arrived. The transport must not reuse the chunk's memory afterwards. */
  data(chunk: Uint8Array): void;
  /** The peer finished sending (EOF). */
  end(): void;
  /** Room again after `write` returned false. */
  drain(): void;
  /** The transport is fully closed; `error` is set when it failed (reset, refused…). Called once. */
  close(error?: unknown): void;
}

/**
 * Bytes in, bytes out, for one connection. Adapters implement it; they never parse.
 *
 * Writes made in one tick should reach the operating system as one write (Node: cork/uncork; others:
 * coalesce while a write is in flight).
 */
export interface ByteTransport {
  /** Begin delivering events. Called once. */
  start(events: TransportEvents): void;
  /** Queue bytes. Returns false when the transport's buffer is over its high-water mark (wait for `drain`). */
  write(chunk: Uint8Array): boolean;
  /**
   * Optional: queue the `size` bytes just written in place into `slab` (`slab.takeRegion` takes them).
   * Transports that coalesce with `PendingWrites` offer it; without it they get a view through `write`.
   */
  writeSlab?(slab: WriteSlab, size: number): boolean;
  /** Stop delivering `data` (backpressure from a slow reader). */
  pause(): void;
  /** Deliver `data` again. */
  resume(): void;
  /** Flush queued writes, then close our side; `close` follows once the transport is done. */
  end(): void;
  /** Close now, dropping queued writes; `close` follows. */
  destroy(error?: unknown): void;
  /** False for read-only transports (a fetch body). */
  readonly writable: boolean;
  /** Optional: bytes accepted by `write` and not yet handed to the operating system (or the runtime). */
  readonly bufferedAmount?: number;
}
