/**
 * The states of a reconnecting stream and the one place that announces them: synchronous listeners and
 * async iterables, told in the same call that changes the state.
 */
import type { CloseInfo } from "../message-stream.ts";

/** Why a connection ended or an attempt failed: what `shouldReconnect` and the states carry. */
export interface DisconnectCause {
  /** How the last connection closed, when one was open. */
  closeInfo?: CloseInfo;
  /** Why the attempt to open a connection failed (`open` rejected or timed out), when it did. */
  error?: unknown;
}

/**
 * The state of a reconnecting stream.
 *
 * - `connecting`: `open` is running. `attempt` is 0 for the first connection and after `reconnect()`, then
 *   the retry number.
 * - `open`: connection number `connection` (1-based, counting every connection ever opened) is live.
 * - `reconnecting`: waiting `delay` ms before retry number `attempt` (1-based since the last connection that
 *   stayed up `minUptime`); `offline` when the wait is for the network to come back instead.
 * - `stopped`: retries ran out or `shouldReconnect` said no; nothing happens until `reconnect()` or `close()`.
 * - `closed`: `close()` or `abort()` ended it for good.
 */
export type ReconnectState =
  | { readonly type: "connecting"; readonly attempt: number }
  | { readonly type: "open"; readonly connection: number }
  | {
      readonly type: "reconnecting";
      readonly attempt: number;
      readonly delay: number;
      readonly offline: boolean;
      readonly cause: DisconnectCause;
    }
  | { readonly type: "stopped"; readonly reason: "retries-exhausted" | "refused"; readonly cause: DisconnectCause }
  | { readonly type: "closed"; readonly closeInfo: CloseInfo; readonly unsent: number };

/** State changes a slow `states()` reader may fall behind by before the oldest are skipped. */
export const MAX_BUFFERED_STATES = 64;

/** Holds the current state and tells every watcher of each change, synchronously and in order. */
export class StateWatch {
  private listeners = new Set<(state: ReconnectState) => void>();
  private readers = new Set<Reader>();

  constructor(public current: ReconnectState) {}

  set(state: ReconnectState): void {
    this.current = state;
    // A copy: a listener may unsubscribe (or subscribe) while we call them.
    for (const listener of [...this.listeners]) {
      try {
        listener(state);
      } catch (error) {
        // A throwing listener must not stop the state machine or the other listeners.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
    for (const reader of this.readers) reader.push(state);
  }

  subscribe(listener: (state: ReconnectState) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** The current state, then every change, ending after `closed`. */
  iterate(): AsyncIterableIterator<ReconnectState> {
    const reader = new Reader(() => this.readers.delete(reader));
    reader.push(this.current);
    if (this.current.type !== "closed") this.readers.add(reader);
    return reader;
  }
}

class Reader implements AsyncIterableIterator<ReconnectState> {
  private queue: ReconnectState[] = [];
  private waiting: ((result: IteratorResult<ReconnectState>) => void) | undefined;
  private done = false;
  /** The `closed` state was handed out: the next read ends the iteration. */
  private deliveredClosed = false;

  constructor(private readonly detach: () => void) {}

  push(state: ReconnectState): void {
    if (this.done) return;
    if (state.type === "closed") this.detach();
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      this.deliveredClosed = state.type === "closed";
      resolve({ value: state, done: false });
      return;
    }
    // Bounded: a reader that never reads keeps only the latest changes.
    if (this.queue.length === MAX_BUFFERED_STATES) this.queue.shift();
    this.queue.push(state);
  }

  next(): Promise<IteratorResult<ReconnectState>> {
    const state = this.queue.shift();
    if (state !== undefined) {
      this.deliveredClosed = state.type === "closed";
      return Promise.resolve({ value: state, done: false });
    }
    if (this.done || this.deliveredClosed) return this.return();
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<ReconnectState>> {
    this.done = true;
    this.queue.length = 0;
    this.detach();
    const resolve = this.waiting;
    this.waiting = undefined;
    resolve?.({ value: undefined, done: true });
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ReconnectState> {
    return this;
  }
}
