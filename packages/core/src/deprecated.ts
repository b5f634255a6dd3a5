/**
 * Old names kept for one minor version, each marked `@deprecated` with its replacement.
 */
import { Connection } from "./connection.ts";
import type { FramedStream as FramedStreamInterface } from "./message-stream.ts";

/**
 * Constructing a `FramedStream` now makes a {@link Connection}: `FramedStream` is the interface every adapter
 * returns, and `Connection` the one object behind it.
 *
 * @deprecated Use `new Connection(setup)`. The value `FramedStream` goes away in the next minor version; the
 * type stays.
 */
export const FramedStream: typeof Connection = Connection;
/** See {@link FramedStreamInterface}: the stream every adapter returns. */
export type FramedStream<T> = FramedStreamInterface<T>;
