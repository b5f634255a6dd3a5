/**
 * `ByteTransport`: the tiny interface every runtime adapter implements, and the only thing the
 * stream layer knows about sockets.
 */

import type { WriteSlab } from "./write-slab.ts";

/**
 * What a transport reports to, once started: its connection (core's `Connection` implements it). The
 * adapter's whole job is this loop: read → `receive`, EOF → `receiveEnd`, room again → `drained`, gone →
 * `transportClosed`.
 */
export interface TransportEvents {
  /** Bytes arrived. The transport must not reuse the chunk's memory afterwards. */
  receive(chunk: Uint8Array): void;
  /** The peer finished sending (EOF). */
  receiveEnd(): void;
  /** Room again after `write` returned false. */
  drained(): void;
  /** The transport is fully closed; `error` is set when it failed (reset, refused…). Called once. */
  transportClosed(error?: unknown): void;
}

/**
 * Bytes in, bytes out, for one connection. Adapters implement it; they never parse.
 *
 * Writes made in one tick should reach the operating system as one write (Node: cork/uncork; others:
 * coalesce while a write is in flight).
 */
export interface ByteTransport {
  /** Begin reporting to `events`. Called once. */
  start(events: TransportEvents): void;
  /** Queue bytes. Returns false when the transport's buffer is over its high-water mark (wait for `drained`). */
  write(chunk: Uint8Array): boolean;
  /**
   * Optional: queue the `size` bytes just written in place into `slab` (`slab.takeRegion` takes them).
   * Transports that coalesce with `PendingWrites` offer it; without it they get a view through `write`.
   */
  writeSlab?(slab: WriteSlab, size: number): boolean;
  /** Stop calling `receive` (backpressure from a slow reader). */
  pause(): void;
  /** Call `receive` again. */
  resume(): void;
  /** Flush queued writes, then close our side; `transportClosed` follows once the transport is done. */
  end(): void;
  /** Close now, dropping queued writes; `transportClosed` follows. */
  destroy(error?: unknown): void;
  /** False for read-only transports (a fetch body). */
  readonly writable: boolean;
  /** Optional: bytes accepted by `write` and not yet handed to the operating system (or the runtime). */
  readonly bufferedAmount?: number;
}
