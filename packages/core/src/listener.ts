/**
 * What every runtime's `listen` returns, and the bookkeeping it shares: tracking open streams,
 * running the user's handler without letting its rejection escape, and a graceful close.
 */
import { isFramedError } from "./errors.ts";
import type { CloseOptions, MessageStream } from "./message-stream.ts";

/** A listening server. */
export interface Listener<T> {
  /** Where it listens (the real port when 0 was asked for). */
  readonly address: { host: string; port: number };
  /** Streams accepted and not yet closed. */
  readonly streams: ReadonlySet<MessageStream<T>>;
  /**
   * Stop accepting, close every open stream gracefully (WebSocket: 1001 going away) and resolve when
   * all are closed.
   */
  close(options?: CloseOptions): Promise<void>;
}

/** The handler `listen` calls for each accepted stream. A returned promise's rejection is caught. */
export type StreamHandler<T, S extends MessageStream<T> = MessageStream<T>, Extra = undefined> = (
  stream: S,
  extra: Extra,
) => void | Promise<void>;

/** Options shared by every `listen`. */
export interface ListenOptions {
  /**
   * Called when a handler throws or rejects, with the error and the stream it was handling: a bug in the
   * handler, or the stream's own error that the handler let escape (a peer's oversized message, bad
   * frames, a timeout). The stream is aborted either way; other streams never notice. A `CLOSED` error (a
   * `send` after the peer left) is the consequence of a close, not a cause, and is not reported.
   *
   * Default: one `console.error` line per failure, `framed: a length-prefix stream's handler failed:
   * MESSAGE_TOO_LARGE: …`, so a server never fails silently. Pass `() => {}` to silence it.
   *
   * @example
   * ```ts
   * await listen({ port: 9000 }, handler, { onHandlerError: (error, stream) => log.warn({ error, framing: stream.framing }) });
   * ```
   */
  onHandlerError?: (error: unknown, stream: MessageStream<unknown>) => void;
}

/** Told once when a watched stream has closed. */
export interface CloseWatcher {
  streamClosed(stream: object): void;
}

/**
 * The method by which a stream reports its closing straight to one watcher (`stream[watchClose](watcher,
 * reportAs)`), implemented by core's streams and by wrappers that forward to one. A registry watching
 * thousands of idle streams this way holds no promise, reaction or closure per stream, as `closed.then`
 * would; streams without it are watched through `closed`. A registered symbol, so copies of this module
 * (each package entry is bundled on its own) agree on it.
 */
export const watchClose: unique symbol = Symbol.for("framed.watchClose");

interface WatchableStream {
  [watchClose](watcher: CloseWatcher, reportAs: object): void;
}

function isWatchable(stream: object): stream is WatchableStream {
  return typeof (stream as Partial<WatchableStream>)[watchClose] === "function";
}

/** Told when a stream's handler failed. */
export interface HandlerWatcher {
  handlerFailed(stream: object, error: unknown): void;
}

/**
 * The method by which a stream takes over watching what its handler returned, when that is the promise the
 * stream's own `consume` returned (`stream[watchConsumed](result, watcher)` answers true): should it reject,
 * the stream subscribes `watcher.handlerFailed` just before, so the rejection is handled and reported as
 * with `result.then(undefined, …)`, while a registry holds no derived promise, reaction and closure per
 * stream (~150 bytes) for as long as the handler runs. Registered, as {@link watchClose} is.
 */
export const watchConsumed: unique symbol = Symbol.for("framed.watchConsumed");

interface ConsumeWatchableStream {
  [watchConsumed](result: PromiseLike<unknown>, watcher: HandlerWatcher): boolean;
}

function takesOverWatching(stream: object, result: PromiseLike<unknown>, watcher: HandlerWatcher): boolean {
  const watch = (stream as Partial<ConsumeWatchableStream>)[watchConsumed];
  return typeof watch === "function" && watch.call(stream, result, watcher);
}

/** Keeps the set of open streams for a listener. */
export class StreamRegistry<T> implements CloseWatcher, HandlerWatcher {
  readonly streams = new Set<MessageStream<T>>();

  constructor(private readonly options: ListenOptions = {}) {}

  /** Track `stream` until it closes, and run the handler on it. */
  accept<S extends MessageStream<T>, Extra>(stream: S, handler: StreamHandler<T, S, Extra>, extra: Extra): void {
    this.streams.add(stream);
    if (isWatchable(stream)) stream[watchClose](this, stream);
    else stream.closed.then(() => this.streams.delete(stream));
    let result: void | Promise<void>;
    try {
      result = handler(stream, extra);
    } catch (error) {
      this.handlerFailed(stream, error);
      return;
    }
    if (result && typeof result.then === "function" && !takesOverWatching(stream, result, this))
      result.then(undefined, (error) => this.handlerFailed(stream, error));
  }

  /** A tracked stream closed (the registry is its streams' `CloseWatcher`). */
  streamClosed(stream: object): void {
    this.streams.delete(stream as MessageStream<T>);
  }

  /** Close every open stream and wait for all of them. */
  async closeAll(options?: CloseOptions): Promise<void> {
    await Promise.all([...this.streams].map((stream) => stream.close(options)));
  }

  /** The handler of `stream` threw or rejected (the registry is its streams' `HandlerWatcher`). */
  handlerFailed(stream: object, error: unknown): void {
    const failed = stream as MessageStream<T>;
    failed.abort(error);
    if (isFramedError(error, "CLOSED")) return;
    (this.options.onHandlerError ?? logHandlerError)(error, failed as MessageStream<unknown>);
  }
}

/** The default {@link ListenOptions.onHandlerError}: one line for the stream's own errors, the stack for bugs. */
function logHandlerError(error: unknown, stream: MessageStream<unknown>): void {
  const what = `framed: a ${stream.framing} stream's handler failed:`;
  if (isFramedError(error)) console.error(what, `${error.code}: ${error.message}`);
  else console.error(what, error);
}
