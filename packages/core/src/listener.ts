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
   * Called when a handler throws or rejects with something other than the stream's own FramedError.
   * Default: `console.error`. The stream is aborted either way; other streams never notice.
   */
  onHandlerError?: (error: unknown) => void;
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

/** Keeps the set of open streams for a listener. */
export class StreamRegistry<T> implements CloseWatcher {
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
    if (result && typeof result.then === "function")
      result.then(undefined, (error) => this.handlerFailed(stream, error));
  }

  /** @internal A tracked stream closed. */
  streamClosed(stream: object): void {
    this.streams.delete(stream as MessageStream<T>);
  }

  /** Close every open stream and wait for all of them. */
  async closeAll(options?: CloseOptions): Promise<void> {
    await Promise.all([...this.streams].map((stream) => stream.close(options)));
  }

  private handlerFailed(stream: MessageStream<T>, error: unknown): void {
    stream.abort(error);
    // The stream's own errors (bad input, closed) are already reported through `closed`.
    if (isFramedError(error)) return;
    (this.options.onHandlerError ?? ((e: unknown) => console.error("framed: stream handler failed:", e)))(error);
  }
}
