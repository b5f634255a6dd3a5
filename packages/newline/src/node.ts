/**
 * `@framed/newline/node`: Node TCP, any Duplex, stdio and child processes, pre-bound to newline framing.
 */
import { bind } from "@framed/core/node";
import { ndjson } from "./ndjson.ts";
import { newline } from "./newline.ts";
import { newlineBytes } from "./newline-bytes.ts";
import type { NdjsonOptions } from "./options.ts";

/**
 * Text lines over Node transports; options are `newline()`'s plus the stream's.
 *
 * @example
 * ```ts
 * import { connect, listen } from "@framed/newline/node";
 * const server = await listen({ port: 0 }, async (stream) => {
 *   for await (const line of stream) await stream.send(line.toUpperCase());
 * });
 * const client = await connect({ port: server.address.port }, { maxMessageSize: 4096 });
 * ```
 */
export const { connect, listen, wrap, stdio, childProcess } = bind(newline);

/**
 * The same entry points pre-bound to {@link ndjson}: one JSON value per line.
 *
 * @example
 * ```ts
 * import { jsonLines } from "@framed/newline/node";
 * const rpc = jsonLines.stdio();                 // JSON-RPC over this process's stdin/stdout
 * for await (const request of rpc) await rpc.send({ id: (request as { id: number }).id, result: "ok" });
 * ```
 */
export const jsonLines = bind<unknown, NdjsonOptions>(ndjson);

/**
 * The same entry points pre-bound to {@link newlineBytes}: raw byte records.
 *
 * @example
 * ```ts
 * import { byteLines } from "@framed/newline/node";
 * const stream = await byteLines.connect({ port: 9000 }, { delimiter: "\0" });
 * ```
 */
export const byteLines = bind(newlineBytes);

export * from "./index.ts";
