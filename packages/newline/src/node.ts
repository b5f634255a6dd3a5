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
 * The same entry points pre-bound to {@link ndjson}: one JSON value per line.
 *
 * @example
 * ```ts
 * import { jsonLines } from "@framed/newline/node";
 * const rpc = jsonLines.stdio<{ id: number; method: string }>(); // JSON-RPC over stdin/stdout
 * for await (const request of rpc) await rpc.send({ id: request.id, method: "ok" });
 * ```
 */
export const jsonLines: JsonLinesNodeBinding = bind<unknown, NdjsonOptions>(ndjson) as JsonLinesNodeBinding;

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
