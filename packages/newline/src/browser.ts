/**
 * `@framed/newline/browser`: WHATWG transports (fetch bodies, byte-stream pairs, a WebSocket used as a
 * byte pipe), pre-bound to newline framing.
 */
import type { MessageStream } from "@framed/core";
import { type BrowserStreamOptions, type ByteStreamPair, bind } from "@framed/core/browser";
import { ndjson as ndjsonFraming, newline, newlineBytes as newlineBytesFraming } from "./index.ts";
import type { LineOptions, NdjsonOptions } from "./options.ts";

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
 * `ndjson`: the NDJSON framing factory (as from the root entry), also carrying these entry points pre-bound
 * to it: the usual way to read an NDJSON fetch stream.
 *
 * @example
 * ```ts
 * import { ndjson } from "@framed/newline/browser";
 * for await (const event of ndjson.fromResponse(await fetch("/events.ndjson"))) render(event);
 * ```
 */
export const ndjson: typeof ndjsonFraming & JsonLinesBrowserBinding = Object.assign(
  <T = unknown>(options?: NdjsonOptions) => ndjsonFraming<T>(options),
  bind<unknown, NdjsonOptions>(ndjsonFraming) as JsonLinesBrowserBinding,
);

/**
 * The old name of the functions bound to {@link ndjson}.
 *
 * @deprecated Use `ndjson.connect(…)`, `ndjson.listen(…)` and so on: in a runtime entry each framing
 * factory also carries that runtime's functions bound to it. `jsonLines` goes away in the next minor version.
 */
export const jsonLines: JsonLinesBrowserBinding = ndjson;

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
