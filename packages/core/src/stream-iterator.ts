/**
 * The async iterator `for await` gets from a stream, and the shared "done" result. A class rather than an
 * object literal because every open connection holds one. It names the stream as an interface so the
 * stream classes import this file and never the other way round.
 */

/** The finished-iteration result, shared so ending a loop allocates nothing. */
export const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/** The two stream methods an iterator needs. */
export interface IterableSource<T> {
  read(): Promise<IteratorResult<T>>;
  close(): Promise<unknown>;
}

/** `stream[Symbol.asyncIterator]()`: leaving a `for await` loop early closes the stream. */
export class StreamIterator<T> implements AsyncIterator<T> {
  constructor(private readonly stream: IterableSource<T>) {}

  next(): Promise<IteratorResult<T>> {
    return this.stream.read();
  }

  return(): Promise<IteratorResult<T>> {
    this.stream.close();
    return Promise.resolve(DONE);
  }
}
