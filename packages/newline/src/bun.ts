/**
 * `@framed/newline/bun`: Bun's own TCP and TLS sockets (`Bun.connect`, `Bun.listen`), pre-bound to newline framing.
 */
import type { Listener, MessageStream, StreamHandler } from "@framed/core";
import {
  type BunAddress,
  type BunConnectOptions,
  type BunListenOptions,
  type BunSocket,
  type BunSocketData,
  type BunWrapOptions,
  bind,
} from "@framed/core/bun";
import { ndjson } from "./ndjson.ts";
import { newline } from "./newline.ts";
import { newlineBytes } from "./newline-bytes.ts";
import type { NdjsonOptions } from "./options.ts";

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
 * The same entry points pre-bound to {@link ndjson}.
 *
 * @example
 * ```ts
 * import { jsonLines } from "@framed/newline/bun";
 * const server = await jsonLines.listen({ port: 0 }, async (stream) => {
 *   for await (const value of stream) await stream.send({ echo: value });
 * });
 * ```
 */
export const jsonLines: JsonLinesBunBinding = bind<unknown, NdjsonOptions>(ndjson) as JsonLinesBunBinding;

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
  ): Promise<Listener<T>>;
}

/** The same entry points pre-bound to {@link newlineBytes}: raw byte records. */
export const byteLines = bind(newlineBytes);

export * from "./index.ts";
