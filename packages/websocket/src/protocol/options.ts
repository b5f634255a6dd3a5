/**
 * The options of `websocket()`, their defaults, and the one place they are checked.
 */
import { checkSizeOption, DEFAULT_MAX_MESSAGE_SIZE, WriteSlab } from "@framed/core";
import type { CompressorFactory } from "../deflate/compressor.ts";
import { defaultCompressor } from "../deflate/default-compressor.ts";
import type { DeflateParams } from "../deflate/params.ts";

/** Options of {@link websocket}. */
export interface WebSocketOptions {
  /**
   * Largest message accepted, in bytes, after reassembly and inflation. A frame header (or the running total
   * of a fragmented message) that announces more fails at once with close 1009, before buffering; inflation
   * stops as soon as it passes the limit. Default `DEFAULT_MAX_MESSAGE_SIZE` (16 MiB). Does not limit sending.
   */
  maxMessageSize?: number;
  /** Most frames one message may arrive in; more fails with close 1008. Default {@link DEFAULT_MAX_FRAGMENTS}. */
  maxFragments?: number;
  /** permessage-deflate parameters the handshake agreed; null or absent: no extension (RSV1 is then an error). */
  deflate?: DeflateParams | null;
  /** Messages smaller than this many bytes are sent uncompressed. Default 1024 (as ws). */
  compressionThreshold?: number;
  /**
   * The deflate implementation. Default: node:zlib where the runtime has `process.getBuiltinModule`
   * (Node ≥ 20.16, Deno); elsewhere `deflate` requires one.
   */
  compressor?: CompressorFactory;
  /**
   * Unmask received payloads inside the chunks given to `receive` instead of into copies, as ws does: a
   * server then hands out binary messages as views of the received chunk, saving an allocation and a copy per
   * message. The core contract says a session owns the chunks it receives (every framed transport hands
   * over fresh ones), so this is on by default; pass `false` when feeding a session bytes you read again.
   */
  unmaskInPlace?: boolean;
  /**
   * Where small outgoing frames are written. One per framing value by default; a server that makes a framing
   * per connection (each with its own deflate parameters) passes one slab to all of them, so idle
   * connections share its memory.
   */
  slab?: WriteSlab;
  /**
   * Called with each ping and pong the peer sends, after the session answered a ping (tools that show
   * traffic, such as the `framed` CLI's `--json`). `payload` is a view valid only during the call: copy it to
   * keep it. Pings are answered whether or not this is set.
   *
   * @example
   * ```ts
   * websocket({ onControlFrame: (kind, payload) => console.log(kind, payload.length) });
   * ```
   */
  onControlFrame?: (kind: "ping" | "pong", payload: Uint8Array) => void;
  /**
   * What reason the automatic reply to the peer's close frame carries. The reply always echoes the peer's
   * code (RFC 6455 §5.5.1; 1000 for a close without one). `false` (default): an empty reason, which is all
   * the RFC asks and never reflects peer bytes back; `true`: the peer's own reason, as `ws` does.
   */
  echoCloseReason?: boolean;
}

/**
 * Default {@link WebSocketOptions.maxFragments}: 65,536. Fragments cost no memory beyond their bytes here
 * (they are copied into one buffer, see `MessageBuffer`), so the cap only bounds the work one message can
 * ask for. It is high enough for Autobahn's 9.3.1/9.4.1 cases (4 MiB sent as 64-byte fragments).
 */
export const DEFAULT_MAX_FRAGMENTS = 65_536;
/** Default {@link WebSocketOptions.compressionThreshold}: 1024 bytes. */
export const DEFAULT_COMPRESSION_THRESHOLD = 1024;

/** Options after defaults and checks. */
export interface ResolvedOptions {
  maxMessageSize: number;
  maxFragments: number;
  deflate: DeflateParams | null;
  compressionThreshold: number;
  compressor: CompressorFactory | null;
  unmaskInPlace: boolean;
  slab: WriteSlab;
  onControlFrame: ((kind: "ping" | "pong", payload: Uint8Array) => void) | undefined;
  echoCloseReason: boolean;
}

function checkWindowBits(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 8 || value > 15) {
    throw new RangeError(`deflate.${name} must be an integer from 8 to 15, got ${value}`);
  }
}

/** Apply defaults and validate; throws RangeError/TypeError naming the bad option. */
export function resolveOptions(options: WebSocketOptions = {}): ResolvedOptions {
  const maxMessageSize = checkSizeOption("maxMessageSize", options.maxMessageSize, DEFAULT_MAX_MESSAGE_SIZE);
  const maxFragments = checkSizeOption("maxFragments", options.maxFragments, DEFAULT_MAX_FRAGMENTS);
  if (maxFragments < 1) throw new RangeError("maxFragments must be at least 1");
  const compressionThreshold = checkSizeOption(
    "compressionThreshold",
    options.compressionThreshold,
    DEFAULT_COMPRESSION_THRESHOLD,
  );
  const deflate = options.deflate ?? null;
  let compressor: CompressorFactory | null = null;
  if (deflate !== null) {
    checkWindowBits("serverMaxWindowBits", deflate.serverMaxWindowBits);
    checkWindowBits("clientMaxWindowBits", deflate.clientMaxWindowBits);
    compressor = options.compressor ?? defaultCompressor();
    if (compressor === null) {
      throw new TypeError(
        "permessage-deflate was negotiated but this runtime has no node:zlib: pass a `compressor` (see CompressorFactory)",
      );
    }
  }
  const unmaskInPlace = options.unmaskInPlace !== false;
  const slab = options.slab ?? new WriteSlab();
  const echoCloseReason = options.echoCloseReason === true;
  if (options.onControlFrame !== undefined && typeof options.onControlFrame !== "function") {
    throw new TypeError(`onControlFrame must be a function, got ${typeof options.onControlFrame}`);
  }
  const onControlFrame = options.onControlFrame;
  return {
    maxMessageSize,
    maxFragments,
    deflate,
    compressionThreshold,
    compressor,
    unmaskInPlace,
    slab,
    onControlFrame,
    echoCloseReason,
  };
}
