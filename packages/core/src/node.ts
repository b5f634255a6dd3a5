/**
 * `@framed/core/node`: Node transports (TCP, any Duplex, stdio, child processes) for any framing.
 */

export * from "./index.ts";
export { bind, type NodeBinding } from "./node/bind.ts";
export { childProcess, type StdioOptions, stdio } from "./node/stdio.ts";
export { type NodeTransportOptions, nodeStreamTransport } from "./node/stream-transport.ts";
export {
  connect,
  listen,
  type NodeAddress,
  type NodeConnectOptions,
  type NodeListener,
  type NodeListenOptions,
  type WrapOptions,
  wrap,
} from "./node/tcp.ts";
