/**
 * The encode-once encoder shared by a WebSocket framing's server sessions, when their frames can be the same
 * bytes for every connection.
 */
import { type SharedEncoding, sessionEncoding } from "@framed/core";
import { defaultCompressor } from "../deflate/default-compressor.ts";
import type { ResolvedOptions } from "./options.ts";
import { WebSocketProtocolSession } from "./session.ts";

/**
 * The encode-once encoder of a framing's server sessions, or undefined. A server's frames are the same bytes for
 * every connection (no mask), and so are compressed ones when every message starts from an empty window
 * (`server_no_context_takeover`) with the shared default compressor. Context takeover makes each connection's
 * bytes its own (and a client masks every frame): none then, and a fan-out sends through `send`. One per framing,
 * so connections of one listener share it.
 */
export function serverSharedEncoding(options: ResolvedOptions): SharedEncoding<string | Uint8Array> | undefined {
  const { deflate, compressor, compressionThreshold } = options;
  let key = "websocket:server";
  if (deflate !== null) {
    if (!deflate.serverNoContextTakeover || compressor === null || compressor !== defaultCompressor()) return undefined;
    key += `:deflate:${deflate.serverMaxWindowBits}:${compressionThreshold}`;
  }
  return sessionEncoding(key, (sink) => new WebSocketProtocolSession(sink, "server", options));
}
