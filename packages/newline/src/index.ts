/**
 * `@framed/newline`: delimiter-terminated messages (text, bytes, NDJSON), sans-I/O and runtime-neutral.
 * The three framings differ only in what a line becomes; all of them read through `decoder.ts`, write
 * through `encoder.ts`, and meet core's session contract in `session.ts`.
 */
import type { Framing } from "@framed/core";
import type { LineOptions, NdjsonOptions, TextLineOptions } from "./options.ts";
import { resolveLineSettings } from "./options.ts";
import { lineFraming } from "./session.ts";

export type { LineOptions, NdjsonOptions, TextLineOptions } from "./options.ts";

/**
 * Text lines: each message is one line of UTF-8 text, without its delimiter.
 *
 * ```
 * ┌─────────── line 1 ───────────┬────┬──── line 2 ────┬────┐
 * │ UTF-8 text (no delimiter)    │ LF │ UTF-8 text     │ LF │   a CR before LF is stripped;
 * └──────────────────────────────┴────┴────────────────┴────┘   the encoder writes text + "\n"
 * ```
 * Decoding splits on LF and strips a CR before it (CRLF input reads the same), strips a leading BOM,
 * delivers empty lines as `""` and a last line without LF at end of input. Invalid UTF-8 ends the
 * stream with `INVALID_UTF8` unless `invalidUtf8` says otherwise. Sending a string that contains the
 * delimiter throws `INVALID_MESSAGE`.
 *
 * @example
 * ```ts
 * import { connect } from "@framed/newline/node";
 * const stream = await connect({ port: 6379 });
 * await stream.send("PING");
 * for await (const line of stream) console.log(line);
 *
 * // Strict CRLF, lines up to 8 KiB, oversized lines skipped with a warning:
 * newline({ delimiter: "\r\n", maxMessageSize: 8192, oversize: "skip" });
 * ```
 */
export function newline(options: TextLineOptions = {}): Framing<string> {
  return lineFraming(resolveLineSettings("text", options));
}

/**
 * Byte records: each message is the bytes between two delimiters, with no decoding at all, the shape
 * of Netty's `LineBasedFrameDecoder` / `DelimiterBasedFrameDecoder`.
 *
 * ```
 * ┌──────── record 1 ────────┬───────────┬──── record 2 ────┬───────────┐
 * │ any bytes but delimiter  │ delimiter │ any bytes        │ delimiter │
 * └──────────────────────────┴───────────┴──────────────────┴───────────┘
 * ```
 * A record that lies inside one received chunk is delivered as a `subarray` view of it (no copy);
 * one that spans chunks is copied once. No BOM is stripped unless `stripBom` is set.
 *
 * @example
 * ```ts
 * import { listen } from "@framed/core/node";
 * // NUL-terminated records, up to 1 MiB each:
 * await listen({ port: 0 }, newlineBytes({ delimiter: "\0", maxMessageSize: 1 << 20 }), async (stream) => {
 *   for await (const record of stream) await stream.send(record);
 * });
 * ```
 */
export function newlineBytes(options: LineOptions = {}): Framing<Uint8Array> {
  return lineFraming(resolveLineSettings("bytes", options));
}

/**
 * NDJSON / JSON Lines: each message is one JSON value on its own line.
 *
 * ```
 * {"id":1,"method":"ping"}⏎{"id":2,"method":"sum","params":[1,2]}⏎[1,2,3]⏎"text"⏎null⏎
 * ```
 * The encoder writes `JSON.stringify(value) + "\n"` (never `os.EOL`). The decoder accepts LF or CRLF,
 * strips a leading BOM, skips empty lines (`skipEmpty` defaults to `true` here, as the `ndjson`
 * package does), and treats a line that is not JSON as an `INVALID_JSON` error carrying its line
 * number (`messageNumber`): it ends the stream, or with `invalidJson: "skip"` is reported through
 * `onWarning` and skipped. The type parameter is a promise you make about the peer, not a check.
 *
 * @example
 * ```ts
 * import { fromResponse } from "@framed/core/browser";
 * for await (const row of fromResponse(await fetch("/rows.ndjson"), ndjson<{ id: number }>())) {
 *   console.log(row.id);
 * }
 * ```
 */
export function ndjson<T = unknown>(options: NdjsonOptions = {}): Framing<T> {
  return lineFraming(resolveLineSettings("json", options));
}
