/**
 * The options of a reconnecting stream, their defaults and their checks.
 */
import { FramedError } from "../errors.ts";
import type { MessageStream } from "../message-stream.ts";
import { type Backoff, type BackoffOptions, optionError, resolveBackoff } from "./backoff.ts";
import { type ReconnectClock, systemClock } from "./clock.ts";
import { environmentHints, type NetworkHints } from "./network-hints.ts";
import type { OutboxOptions } from "./outbox.ts";
import type { DisconnectCause } from "./state.ts";

/** What `open` is told about the attempt it makes. */
export interface AttemptInfo {
  /** 0 for the first connection and after `reconnect()`, then the retry number (1, 2, …). */
  readonly attempt: number;
  /** The number the connection will have if it opens (1-based, never reused). */
  readonly connection: number;
  /** Aborted when the attempt times out (`connectTimeout`) or the stream is closed: pass it on to `fetch`-like calls. */
  readonly signal: AbortSignal;
  /** Why the previous connection ended or the previous attempt failed; undefined for the first. */
  readonly cause: DisconnectCause | undefined;
}

/** Opens one connection; called before every attempt, so it can fetch a fresh URL, token or header. */
export type OpenConnection<T> = (attempt: AttemptInfo) => Promise<MessageStream<T>>;

/** What `shouldReconnect` is asked about. */
export interface ReconnectQuestion extends DisconnectCause {
  /** The number of the retry this would be (1-based). */
  readonly attempt: number;
}

/** Options of {@link reconnecting}. Durations in milliseconds. */
export interface ReconnectOptions<T> extends BackoffOptions {
  /** How long one `open` may take before the attempt fails with `TIMEOUT` and is retried. Default 10,000; 0 for none. */
  connectTimeout?: number;
  /** How long a connection must stay open for the retry count (and so the backoff) to start over. Default 5000. */
  minUptime?: number;
  /** Retries in a row (since the last connection that stayed up `minUptime`) before the stream stops. Default unlimited. */
  maxRetries?: number;
  /**
   * Whether to retry after a failed attempt or a closed connection. Default {@link defaultShouldReconnect}:
   * not after a policy close (WebSocket 1008) or an HTTP 401/403 handshake refusal.
   */
  shouldReconnect?: (question: ReconnectQuestion) => boolean;
  /** Bounds and policy of the outbox that holds sends made while disconnected. */
  outbox?: OutboxOptions<T>;
  /** Called with the messages the outbox dropped (policy `"drop-oldest"`), oldest first. */
  onDrop?: (messages: T[]) => void;
  /** Online/offline and visibility hints. Default {@link environmentHints} of `globalThis`; `false` for none. */
  hints?: NetworkHints | false;
  /** Timers, time and randomness. Default the runtime's own. */
  clock?: ReconnectClock;
}

/** How a send went: over a live connection, or into the outbox to go out after the next connect. */
export type SendResult = "sent" | "queued";

/** Options of `ReconnectingStream.send`. */
export interface ReconnectSendOptions {
  /** `false`: reject with `NOT_CONNECTED` instead of queuing while disconnected. Default true. */
  queue?: boolean;
}

/** Every option checked, with defaults. */
export interface ResolvedOptions {
  backoff: Backoff;
  connectTimeout: number;
  minUptime: number;
  maxRetries: number;
  shouldReconnect: (question: ReconnectQuestion) => boolean;
  hints: NetworkHints | undefined;
  clock: ReconnectClock;
}

export function resolveOptions<T>(options: ReconnectOptions<T>): ResolvedOptions {
  const connectTimeout = options.connectTimeout ?? 10_000;
  const minUptime = options.minUptime ?? 5000;
  const maxRetries = options.maxRetries ?? Number.POSITIVE_INFINITY;
  if (!Number.isFinite(connectTimeout) || connectTimeout < 0) {
    throw optionError("connectTimeout", connectTimeout, "a finite number ≥ 0");
  }
  if (!Number.isFinite(minUptime) || minUptime < 0) throw optionError("minUptime", minUptime, "a finite number ≥ 0");
  if (!(maxRetries === Number.POSITIVE_INFINITY || (Number.isSafeInteger(maxRetries) && maxRetries >= 0))) {
    throw optionError("maxRetries", maxRetries, "a non-negative integer or Infinity");
  }
  return {
    backoff: resolveBackoff(options),
    connectTimeout,
    minUptime,
    maxRetries,
    shouldReconnect: options.shouldReconnect ?? defaultShouldReconnect,
    hints: options.hints === false ? undefined : (options.hints ?? environmentHints()),
    clock: options.clock ?? systemClock,
  };
}

/**
 * The default `shouldReconnect`: retry everything except a refusal that retrying cannot fix: a WebSocket
 * policy close (1008) and an opening handshake refused with HTTP 401 or 403 (`HANDSHAKE_FAILED` carrying
 * the `status`, as `@framed/websocket`'s Node and Deno clients report it).
 *
 * @example
 * ```ts
 * reconnecting(open, { shouldReconnect: (q) => defaultShouldReconnect(q) && q.closeInfo?.code !== 4000 });
 * ```
 */
export function defaultShouldReconnect(question: ReconnectQuestion): boolean {
  if (question.closeInfo?.code === 1008) return false;
  for (const error of [question.error, question.closeInfo?.error]) {
    if (error instanceof FramedError && error.code === "HANDSHAKE_FAILED") {
      if (error.status === 401 || error.status === 403) return false;
    }
  }
  return true;
}
