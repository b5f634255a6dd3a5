/**
 * `@framed/newline/node`: Node TCP, any Duplex, stdio and child processes, pre-bound to newline framing.
 */
import type { ChildProcess } from "node:child_process";
import type * as net from "node:net";
import type { Duplex } from "node:stream";
import type { MessageStream, StreamHandler, StreamOptions } from "@framed/core";
import {
  bind,
  type NodeAddress,
  type NodeConnectOptions,
  type NodeListener,
  type NodeListenOptions,
  type StdioOptions,
  type WrapOptions,
} from "@framed/core/node";
import { ndjson as ndjsonFraming, newline, newlineBytes as newlineBytesFraming } from "./index.ts";
import type { LineOptions, NdjsonOptions } from "./options.ts";

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
 * The Node entry points pre-bound to {@link ndjson}, each taking the JSON value type as a type parameter (a
 * promise you make about the peer, not a check; `unknown` when left out).
 */
export interface JsonLinesNodeBinding {
  wrap<T = unknown>(socket: Duplex, options?: NdjsonOptions & WrapOptions): MessageStream<T>;
  connect<T = unknown>(address: NodeAddress, options?: NdjsonOptions & NodeConnectOptions): Promise<MessageStream<T>>;
  listen<T = unknown>(
    address: NodeAddress,
    onStream: StreamHandler<T, MessageStream<T>, net.Socket>,
    options?: NdjsonOptions & NodeListenOptions,
  ): Promise<NodeListener<T>>;
  stdio<T = unknown>(options?: NdjsonOptions & StdioOptions): MessageStream<T>;
  childProcess<T = unknown>(child: ChildProcess, options?: NdjsonOptions & StreamOptions): MessageStream<T>;
}

/**
 * `ndjson`: the NDJSON framing factory (`ndjson(options)`, as from the root entry), which also carries
 * this runtime's entry points pre-bound to it: one JSON value per line.
 *
 * @example
 * ```ts
 * import { ndjson } from "@framed/newline/node";
 * const rpc = ndjson.stdio<{ id: number; method: string }>(); // JSON-RPC over stdin/stdout
 * for await (const request of rpc) await rpc.send({ id: request.id, method: "ok" });
 * ```
 */
export const ndjson: typeof ndjsonFraming & JsonLinesNodeBinding = Object.assign(
  <T = unknown>(options?: NdjsonOptions) => ndjsonFraming<T>(options),
  bind<unknown, NdjsonOptions>(ndjsonFraming) as JsonLinesNodeBinding,
);

/**
 * The old name of the functions bound to {@link ndjson}.
 *
 * @deprecated Use `ndjson.connect(…)`, `ndjson.listen(…)` and so on: in a runtime entry each framing
 * factory also carries that runtime's functions bound to it. `jsonLines` goes away in the next minor version.
 */
export const jsonLines: JsonLinesNodeBinding = ndjson;

const boundBytes = bind(newlineBytesFraming);

/**
 * `newlineBytes`: the raw byte-record framing factory, which also carries this runtime's entry points
 * pre-bound to it.
 *
 * @example
 * ```ts
 * import { newlineBytes } from "@framed/newline/node";
 * const stream = await newlineBytes.connect({ port: 9000 }, { delimiter: "\0" });
 * ```
 */
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
