/**
 * `@framed/newline/deno`: Deno TCP (`Deno.connect`, `Deno.listen`, any `Deno.Conn`), pre-bound to newline framing.
 */
import type { Listener, MessageStream, StreamHandler } from "@framed/core";
import {
  bind,
  type DenoAddress,
  type DenoConn,
  type DenoConnectOptions,
  type DenoListenOptions,
  type DenoWrapOptions,
} from "@framed/core/deno";
import { ndjson } from "./ndjson.ts";
import { newline } from "./newline.ts";
import { newlineBytes } from "./newline-bytes.ts";
import type { NdjsonOptions } from "./options.ts";

/**
 * Text lines over Deno TCP; options are `newline()`'s plus the stream's.
 *
 * @example
 * ```ts
 * import { connect } from "@framed/newline/deno";
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
 * import { jsonLines } from "@framed/newline/deno";
 * const server = await jsonLines.listen({ port: 0 }, async (stream) => {
 *   for await (const value of stream) await stream.send({ echo: value });
 * });
 * ```
 */
export const jsonLines: JsonLinesDenoBinding = bind<unknown, NdjsonOptions>(ndjson) as JsonLinesDenoBinding;

/**
 * The Deno entry points pre-bound to {@link ndjson}, each taking the JSON value type as a type parameter (a
 * promise you make about the peer, not a check; `unknown` when left out).
 */
export interface JsonLinesDenoBinding {
  wrap<T = unknown>(conn: DenoConn, options?: NdjsonOptions & DenoWrapOptions): MessageStream<T>;
  connect<T = unknown>(address: DenoAddress, options?: NdjsonOptions & DenoConnectOptions): Promise<MessageStream<T>>;
  listen<T = unknown>(
    address: DenoAddress,
    onStream: StreamHandler<T, MessageStream<T>, DenoConn>,
    options?: NdjsonOptions & DenoListenOptions,
  ): Promise<Listener<T>>;
}

/** The same entry points pre-bound to {@link newlineBytes}: raw byte records. */
export const byteLines = bind(newlineBytes);

export * from "./index.ts";
