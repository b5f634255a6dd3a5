/**
 * Reads messages across connections: every message of one connection, then (optionally) a marker, then
 * the next connection's, so iteration goes on through reconnects and the reader sees where each happened.
 */
import { FramedError } from "../errors.ts";
import type { MessageStream } from "../message-stream.ts";
import type { DisconnectCause } from "./state.ts";

/**
 * Yielded between the messages of two connections by `iterate({ markers: true })`: every message before it
 * came over an earlier connection, every message after it over connection `connection`.
 */
export class Reconnected {
  constructor(
    /** The number of the connection whose messages follow (2 for the first reconnect). */
    readonly connection: number,
    /** Why the previous connection ended (or `reconnect()` was called: `closeInfo.initiator` `"local"`). */
    readonly cause: DisconnectCause,
  ) {}
}

/**
 * Closed connections whose messages the reader has not reached yet, at most. Each holds at most its own
 * `readableHighWaterMark` messages; past this many, the oldest is dropped with a warning, so a reader that
 * stalls while the network flaps keeps bounded memory.
 */
export const MAX_UNREAD_CONNECTIONS = 4;

interface Entry<T> {
  stream: MessageStream<T>;
  connection: number;
  cause: DisconnectCause;
}

export class ConnectionReader<T> {
  private readonly unread: Entry<T>[] = [];
  private current: { entry: Entry<T>; iterator: AsyncIterator<T> } | undefined;
  private waiting: (() => void) | undefined;
  private ended = false;
  /** Connections read from so far, to know whether the next one gets a marker. */
  private started = 0;

  constructor(private readonly warn: (error: FramedError) => void) {}

  /** A new connection is open: its messages follow those of every earlier one. */
  add(stream: MessageStream<T>, connection: number, cause: DisconnectCause): void {
    this.unread.push({ stream, connection, cause });
    if (this.unread.length > MAX_UNREAD_CONNECTIONS) {
      const dropped = this.unread.shift() as Entry<T>;
      dropped.stream.abort();
      this.warn(
        new FramedError(
          "CLOSED",
          `the unread messages of connection ${dropped.connection} were dropped: the reader fell ${MAX_UNREAD_CONNECTIONS} connections behind`,
        ),
      );
    }
    this.wake();
  }

  /** No connection will follow: the reader ends after the ones it has. */
  end(): void {
    this.ended = true;
    this.wake();
  }

  async next(markers: boolean): Promise<IteratorResult<T | Reconnected>> {
    for (;;) {
      if (this.current) {
        let result: IteratorResult<T>;
        try {
          result = await this.current.iterator.next();
        } catch {
          // The connection failed; its error is the cause of the reconnect, which the states report.
          result = { value: undefined, done: true };
        }
        if (!result.done) return result;
        this.current = undefined;
      }
      const entry = this.unread.shift();
      if (entry) {
        this.current = { entry, iterator: entry.stream[Symbol.asyncIterator]() };
        if (markers && this.started++ > 0)
          return { value: new Reconnected(entry.connection, entry.cause), done: false };
        if (!markers) this.started++;
        continue;
      }
      if (this.ended) return { value: undefined, done: true };
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
      });
    }
  }

  /** An iterator over {@link next}; leaving it early (`return`) calls `close`, as leaving a `for await` closes a stream. */
  iterator(markers: boolean, close: () => Promise<unknown>): AsyncIterableIterator<T | Reconnected> {
    const iterator: AsyncIterableIterator<T | Reconnected> = {
      next: () => this.next(markers),
      return: async () => {
        await close();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /** `MessageStream.consume` over {@link next}: a throwing handler calls `close`, and its error is the result. */
  async consume(handler: (message: T) => unknown, close: () => Promise<unknown>): Promise<void> {
    for (;;) {
      const result = await this.next(false);
      if (result.done) return;
      try {
        const outcome = handler(result.value as T);
        if (outcome instanceof Promise) await outcome;
      } catch (error) {
        await close();
        throw error;
      }
    }
  }

  private wake(): void {
    const resolve = this.waiting;
    this.waiting = undefined;
    resolve?.();
  }
}
