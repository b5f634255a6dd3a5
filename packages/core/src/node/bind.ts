/**
 * `bind`: the Node entry points pre-bound to one framing, which is all a framing package's `./node` is.
 */
import type { ChildProcess } from "node:child_process";
import type * as net from "node:net";
import type { Duplex } from "node:stream";
import type { Framing } from "../framing.ts";
import type { StreamHandler } from "../listener.ts";
import type { MessageStream, StreamOptions } from "../message-stream.ts";
import { childProcess, type StdioOptions, stdio } from "./stdio.ts";
import {
  connect,
  listen,
  type NodeAddress,
  type NodeConnectOptions,
  type NodeListener,
  type NodeListenOptions,
  type WrapOptions,
  wrap,
} from "./tcp.ts";

/** The Node entry points for one framing; each takes the framing's options next to the stream's. */
export interface NodeBinding<T, O> {
  wrap(socket: Duplex, options?: O & WrapOptions): MessageStream<T>;
  connect(address: NodeAddress, options?: O & NodeConnectOptions): Promise<MessageStream<T>>;
  listen(
    address: NodeAddress,
    onStream: StreamHandler<T, MessageStream<T>, net.Socket>,
    options?: O & NodeListenOptions,
  ): Promise<NodeListener<T>>;
  stdio(options?: O & StdioOptions): MessageStream<T>;
  childProcess(child: ChildProcess, options?: O & StreamOptions): MessageStream<T>;
}

/**
 * Pre-bind the Node entry points to a framing factory. The factory receives the whole options
 * object and must ignore keys it does not know (the stream's).
 *
 * @example
 * ```ts
 * export const { connect, listen, wrap, stdio, childProcess } = bind(lengthPrefix);
 * ```
 */
export function bind<T, O extends object>(createFraming: (options?: O) => Framing<T>): NodeBinding<T, O> {
  return {
    wrap: (socket, options) => wrap(socket, createFraming(options), options),
    connect: (address, options) => connect(address, createFraming(options), options),
    listen: (address, onStream, options) => listen(address, createFraming(options), onStream, options),
    stdio: (options) => stdio(createFraming(options), options),
    childProcess: (child, options) => childProcess(child, createFraming(options), options),
  };
}
