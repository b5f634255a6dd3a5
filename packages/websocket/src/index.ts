/**
 * `@framed/websocket`: the runtime-neutral part: RFC 6455 framing with RFC 7692 permessage-deflate as a
 * sans-I/O `Framing<string | Uint8Array>`, and the opening handshake. Runtime entries (`./node`,
 * `./deno`, `./browser`) add the sockets.
 */
import type { Framing, SharedEncoding, WriteSlab } from "@framed/core";
import { resolveOptions, type WebSocketOptions } from "./protocol/options.ts";
import { serverSharedEncoding } from "./protocol/server-encoding.ts";
import { WebSocketProtocolSession } from "./protocol/session.ts";
import type { WebSocketSession } from "./protocol/session-types.ts";

/** A WebSocket framing: `open()` returns a {@link WebSocketSession} (with `ping`, `pong` and `state`). */
export interface WebSocketFraming extends Framing<string | Uint8Array> {
  open(...args: Parameters<Framing<string | Uint8Array>["open"]>): WebSocketSession;
  /** The write slab this framing's sessions write small frames into (the `slab` option, or its own). */
  readonly slab: WriteSlab;
}

/**
 * WebSocket frames after the opening handshake (RFC 6455 §5–7): text messages are strings, binary
 * messages `Uint8Array`s. The session's role decides masking: a client masks what it sends and refuses
 * masked frames, a server the reverse. Errors close the connection with the matching code (protocol 1002,
 * bad UTF-8 1007, policy 1008, too big 1009, internal 1011).
 *
 * ```text
 *  FIN RSV1 opcode │ MASK len7 │ len16 / len64 │ mask key │ payload
 *   1   1    4     │  1    7   │   0, 2 or 8   │  0 or 4  │ len bytes
 * ```
 *
 * @example
 * ```ts
 * const framing = websocket({ maxMessageSize: 1 << 20, deflate: handshake.deflate });
 * const session = framing.open(sink, { role: "server" });
 * session.receive(bytesFromSocket);  // sink.message("hello"), sink.write(pong)…
 * session.send("hi");                // sink.write(frame)
 * session.close(1000, "bye");        // true: wait for the peer's close, then sink.end({ code, reason })
 * ```
 */
export function websocket(options: WebSocketOptions = {}): WebSocketFraming {
  const resolved = resolveOptions(options);
  // Made with the first server session: client framings never need it.
  let shared: SharedEncoding<string | Uint8Array> | null | undefined;
  return {
    name: "websocket",
    slab: resolved.slab,
    open: (sink, context) => {
      if (context.role === "client") return new WebSocketProtocolSession(sink, "client", resolved);
      if (shared === undefined) shared = serverSharedEncoding(resolved) ?? null;
      return new WebSocketProtocolSession(sink, "server", resolved, shared ?? undefined);
    },
  };
}

/**
 * The old name of {@link websocket}, the WebSocket framing factory.
 *
 * @deprecated Use `websocket()`: framing factories are named after the framing, as `lengthPrefix()`,
 * `newline()` and `ndjson()` are. `websocketFraming` goes away in the next minor version.
 */
export const websocketFraming: (options?: WebSocketOptions) => WebSocketFraming = websocket;

export {
  type CompressorFactory,
  DEFLATE_TAIL,
  type DeflateSettings,
  type MessageDeflater,
  type MessageInflater,
} from "./deflate/compressor.ts";
export { createZlibCompressor, type ZlibCompressorOptions, type ZlibModule } from "./deflate/zlib-compressor.ts";
export * from "./handshake/index.ts";
export { CloseCode, isSendableCloseCode } from "./protocol/close-codes.ts";
export {
  DEFAULT_COMPRESSION_THRESHOLD,
  DEFAULT_MAX_FRAGMENTS,
  type WebSocketOptions,
} from "./protocol/options.ts";
export type { ControlFrameObserver, WebSocketSession, WebSocketState } from "./protocol/session-types.ts";
