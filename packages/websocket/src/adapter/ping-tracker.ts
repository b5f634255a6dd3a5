/**
 * Pings a WebSocket stream sent and awaits, matched to the peer's pongs for their round-trip time, and the
 * listeners of the peer's pings and pongs. One per stream, made when first needed.
 */
import type { FramedError } from "@framed/core";

interface PendingPing {
  payload: Uint8Array;
  sentAt: number;
  resolve(milliseconds: number): void;
  reject(error: unknown): void;
}

type Listener = (payload: Uint8Array) => void;

const encoder = new TextEncoder();
const EMPTY = new Uint8Array(0);

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A rejected promise nobody has to catch: `ping()` called and forgotten must not crash a process. */
function quietly<V>(promise: Promise<V>): Promise<V> {
  promise.catch(() => {});
  return promise;
}

/**
 * Matches pongs to pings. `now` is the clock the round trips are measured with (injected by tests).
 *
 * @example
 * ```ts
 * const pings = new PingTracker();
 * const rtt = pings.track("hi", (bytes) => session.ping(bytes)); // later: pings.peerPong(pongPayload)
 * ```
 */
export class PingTracker {
  private pending: PendingPing[] = [];
  private pingListeners: Set<Listener> | undefined;
  private pongListeners: Set<Listener> | undefined;
  private closedWith: FramedError | undefined;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Send a ping through `send` (which throws when it cannot) and return its round-trip promise. */
  track(payload: Uint8Array | string | undefined, send: (bytes: Uint8Array) => void): Promise<number> {
    if (this.closedWith) return quietly(Promise.reject(this.closedWith));
    const bytes = payload === undefined ? EMPTY : typeof payload === "string" ? encoder.encode(payload) : payload;
    try {
      send(bytes);
    } catch (error) {
      return quietly(Promise.reject(error));
    }
    const sentAt = this.now();
    // A copy: the caller may reuse its buffer before the pong comes back.
    const kept = Uint8Array.from(bytes);
    return quietly(
      new Promise<number>((resolve, reject) => this.pending.push({ payload: kept, sentAt, resolve, reject })),
    );
  }

  listen(kind: "ping" | "pong", listener: Listener): () => void {
    const listeners = kind === "ping" ? (this.pingListeners ??= new Set()) : (this.pongListeners ??= new Set());
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  peerPing(payload: Uint8Array): void {
    if (this.pingListeners) for (const listener of this.pingListeners) listener(payload);
  }

  /** A pong answers the oldest pending ping with its payload, and every ping sent before that one. */
  peerPong(payload: Uint8Array): void {
    const index = this.pending.findIndex((ping) => sameBytes(ping.payload, payload));
    if (index >= 0) {
      const now = this.now();
      for (const ping of this.pending.splice(0, index + 1)) ping.resolve(now - ping.sentAt);
    }
    if (this.pongListeners) for (const listener of this.pongListeners) listener(payload);
  }

  /** The connection is gone: pending and later pings reject with `error`. */
  closed(error: FramedError): void {
    this.closedWith = error;
    for (const ping of this.pending.splice(0)) ping.reject(error);
  }
}
