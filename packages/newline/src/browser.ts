/**
 * `@framed/newline/browser`: WHATWG transports (fetch bodies, byte-stream pairs, a WebSocket used as a
 * byte pipe), pre-bound to newline framing.
 */
import { bind } from "@framed/core/browser";
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
export const jsonLines = bind<unknown, NdjsonOptions>(ndjson);

/** The same entry points pre-bound to {@link newlineBytes}: raw byte records. */
export const byteLines = bind(newlineBytes);

export * from "./index.ts";
