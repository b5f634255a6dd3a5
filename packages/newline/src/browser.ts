/**
 * `@framed/newline/browser`: WHATWG transports (fetch bodies, byte-stream pairs, a WebSocket used as a
 * byte pipe), pre-bound to newline framing.
 */
import type { MessageStream } from "@framed/core";
import { type BrowserStreamOptions, type ByteStreamPair, bind } from "@framed/core/browser";
import { ndjson } from "./ndjson.ts";
import { newline } from "./newline.ts";
import { newlineBytes } from "./newline-bytes.ts";
import type { NdjsonOptions } from "./options.ts";

/**
 * Text lines over WHATWG streams; options are `newline()`'s plus the stream's.
 *
 * @example
 * ```ts
 * import { fromResponse } from "@framed/newline/browser";
 * for await (const line of fromResponse(await fetch("/build.log"))) console.log(line);
 * ```
 */
export const { fromStreams, fromResponse, fromWebSocket } = bind(newline);

/**
 * The same entry points pre-bound to {@link ndjson}: the usual way to read an NDJSON fetch stream.
 *
 * @example
 * ```ts
 * import { jsonLines } from "@framed/newline/browser";
 * for await (const event of jsonLines.fromResponse(await fetch("/events.ndjson"))) render(event);
 * ```
 */
export const jsonLines: JsonLinesBrowserBinding = bind<unknown, NdjsonOptions>(ndjson) as JsonLinesBrowserBinding;

/**
 * The browser entry points pre-bound to {@link ndjson}, each taking the JSON value type as a type parameter
 * (a promise you make about the peer, not a check; `unknown` when left out).
 */
export interface JsonLinesBrowserBinding {
  fromStreams<T = unknown>(pair: ByteStreamPair, options?: NdjsonOptions & BrowserStreamOptions): MessageStream<T>;
  fromResponse<T = unknown>(
    response: Response | ReadableStream<Uint8Array>,
    options?: NdjsonOptions & BrowserStreamOptions,
  ): MessageStream<T>;
  fromWebSocket<T = unknown>(
    socket: WebSocket,
    options?: NdjsonOptions & BrowserStreamOptions,
  ): Promise<MessageStream<T>>;
}

/** The same entry points pre-bound to {@link newlineBytes}: raw byte records. */
export const byteLines = bind(newlineBytes);

export * from "./index.ts";
