/**
 * Keep-alive for a Deno WebSocket connection: a `Deno.Conn` that notes when bytes arrive, feeding the
 * shared keep-alive clock, and that fails its pending read with `TIMEOUT` when the peer is dead.
 */
import type { FramedError } from "@framed/core";
import { startKeepAliveClock } from "../adapter/keep-alive.ts";
import type { KeepAliveOptions } from "../adapter/options.ts";
import { closeQuietly } from "./conn-io.ts";
import type { DenoConn } from "./deno-api.ts";

/**
 * A `Deno.Conn` seen through the keep-alive clock. Only connections with keep-alive on pay for it (one
 * promise per read). While no read is pending the stream's reader is paused, so the peer is not blamed.
 */
export class WatchedConn implements DenoConn {
  readonly remoteAddr: DenoConn["remoteAddr"];
  private lastSeen = Date.now();
  private reading = false;
  private closed = false;
  private failure: FramedError | undefined;
  private failRead: ((error: FramedError) => void) | undefined;

  constructor(private readonly conn: DenoConn) {
    this.remoteAddr = conn.remoteAddr;
  }

  read(buffer: Uint8Array): Promise<number | null> {
    if (this.failure) return Promise.reject(this.failure);
    this.reading = true;
    return new Promise((resolve, reject) => {
      this.failRead = reject;
      this.conn.read(buffer).then(
        (count) => {
          this.reading = false;
          this.lastSeen = Date.now();
          resolve(count);
        },
        (error) => {
          this.reading = false;
          reject(error);
        },
      );
    });
  }

  write(bytes: Uint8Array): Promise<number> {
    return this.conn.write(bytes);
  }

  closeWrite(): Promise<void> {
    return this.conn.closeWrite();
  }

  close(): void {
    this.closed = true;
    this.conn.close();
  }

  setNoDelay(noDelay?: boolean): void {
    this.conn.setNoDelay?.(noDelay);
  }

  /**
   * Ping through `ping` after `interval` quiet ms; a peer silent for `timeout` ms after a ping fails the
   * stream with `TIMEOUT` (its pending read rejects with it). Returns `stop`; call it once the stream closed.
   */
  keepAlive(ping: () => void, options: Required<KeepAliveOptions>): () => void {
    return startKeepAliveClock(
      { lastSeen: () => this.lastSeen, paused: () => !this.reading, gone: () => this.closed },
      ping,
      (error) => {
        this.failure = error;
        this.failRead?.(error);
        this.closed = true;
        closeQuietly(this.conn);
      },
      options,
    );
  }
}
