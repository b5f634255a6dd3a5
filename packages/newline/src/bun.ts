/**
 * `@framed/newline/bun`: Bun's own TCP and TLS sockets (`Bun.connect`, `Bun.listen`), pre-bound to newline framing.
 */
import type { MessageStream, StreamHandler } from "@framed/core";
import {
  type BunAddress,
  type BunConnectOptions,
  type BunListenOptions,
  type BunSocket,
  type BunSocketData,
  type BunTcpListener,
  type BunWrapOptions,
  bind,
} from "@framed/core/bun";
import { ndjson as ndjsonFraming, newline, newlineBytes as newlineBytesFraming } from "./index.ts";
import type { LineOptions, NdjsonOptions } from "./options.ts";

/**
 * Text lines over Bun TCP; options are `newline()`'s plus the stream's.
 *
 * @example
 * ```ts
 * import { connect } from "@framed/newline/bun";
 * const stream = await connect({ port: 9000 });
 * await stream.send("hello");
 * ```
 */
export const { connect, listen, wrap } = bind(newline);

/**
 * `ndjson`: the NDJSON framing factory (as from the root entry), also carrying these entry points pre-bound
 * to it.
 *
 * @example
 * ```ts
 * import { ndjson } from "@framed/newline/bun";
 * const server = await ndjson.listen({ port: 0 }, async (stream) => {
 *   for await (const value of stream) await stream.send({ echo: value });
 * });
 * ```
 */
export const ndjson: typeof ndjsonFraming & JsonLinesBunBinding = Object.assign(
  <T = unknown>(options?: NdjsonOptions) => ndjsonFraming<T>(options),
  bind<unknown, NdjsonOptions>(ndjsonFraming) as JsonLinesBunBinding,
);

/**
 * The old name of the functions bound to {@link ndjson}.
 *
 * @deprecated Use `ndjson.connect(…)`, `ndjson.listen(…)` and so on: in a runtime entry each framing
 * factory also carries that runtime's functions bound to it. `jsonLines` goes away in the next minor version.
 */
export const jsonLines: JsonLinesBunBinding = ndjson;

/**
 * The Bun entry points pre-bound to {@link ndjson}, each taking the JSON value type as a type parameter (a
 * promise you make about the peer, not a check; `unknown` when left out).
 */
export interface JsonLinesBunBinding {
  wrap<T = unknown>(socket: BunSocket<BunSocketData>, options?: NdjsonOptions & BunWrapOptions): MessageStream<T>;
  connect<T = unknown>(address: BunAddress, options?: NdjsonOptions & BunConnectOptions): Promise<MessageStream<T>>;
  listen<T = unknown>(
    address: BunAddress,
    onStream: StreamHandler<T, MessageStream<T>, BunSocket<BunSocketData>>,
    options?: NdjsonOptions & BunListenOptions,
  ): Promise<BunTcpListener<T>>;
}

const boundBytes = bind(newlineBytesFraming);

/** `newlineBytes`: the byte-record framing factory, also carrying these entry points pre-bound to it. */
export const newlineBytes: typeof newlineBytesFraming & typeof boundBytes = Object.assign(
  (options?: LineOptions) => newlineBytesFraming(options),
  boundBytes,
);

/**
 * The old name of the functions bound to {@link newlineBytes}.
 *
 * @deprecated Use `newlineBytes.connect(…)` and so on, as with `ndjson`. `byteLines` goes away in the next
 * minor version.
 */
export const byteLines: typeof boundBytes = newlineBytes;

export * from "./index.ts";
