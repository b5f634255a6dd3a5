/**
 * Options of the WebSocket servers and clients over our own protocol core (Node and Deno), and the one
 * place they are checked and split into framing, handshake and stream parts.
 */

import * as zlib from "node:zlib";
import type { ConnectionOptions, ListenOptions, StreamOptions } from "@framed/core";
import type { DeflateOptions } from "../deflate/params.ts";
import { createZlibCompressor } from "../deflate/zlib-compressor.ts";
import type { HeaderInit } from "../handshake/http-response.ts";
import type { ProtocolSelector, UpgradeHeaders, UpgradeRequest } from "../handshake/server-handshake.ts";
import type { WebSocketOptions } from "../index.ts";

/** The framing options that are not decided by the handshake. */
export type FramingOptions = Omit<WebSocketOptions, "deflate">;

/** Keep-alive: ping after `interval` ms without input; fail with `TIMEOUT` when `timeout` ms pass without reply. */
export interface KeepAliveOptions {
  /** Milliseconds without any received byte before a ping is sent. */
  interval: number;
  /** Milliseconds to wait for any byte after the ping. Default: `interval`. */
  timeout?: number;
}

/** A refusal from {@link ServerOptions.verify}: the status, a reason for the body, extra response fields. */
export interface VerifyRefusal {
  status: number;
  reason?: string;
  headers?: HeaderInit;
}

/** `true` accepts, `false` refuses with 403, an object refuses with its status. */
export type VerifyResult = true | false | VerifyRefusal;

/** Options of `listen` (Node and Deno), `handleUpgrade` and `attach` (Node). */
export interface ServerOptions extends FramingOptions, StreamOptions, ListenOptions {
  /**
   * Subprotocols the server speaks, most preferred first (the first the client also offered is chosen),
   * or a function choosing one of the offered. Default: none.
   */
  protocols?: readonly string[] | ProtocolSelector;
  /** Accept permessage-deflate offers; `true` for RFC 7692 defaults. Default false. */
  deflate?: boolean | DeflateOptions;
  /**
   * Origin or authentication check, run after the request is valid and before the 101. Throwing or
   * rejecting refuses with 500.
   */
  verify?: (request: UpgradeRequest) => VerifyResult | Promise<VerifyResult>;
  /**
   * Extra fields for the 101 response, or a function of the request returning them (a cookie or a trace id
   * per connection, as ws's `'headers'` event). A function that throws refuses the handshake with 500.
   */
  headers?: HeaderInit | UpgradeHeaders;
  /** Milliseconds from connection (listen) or upgrade (attach) to a sent 101. Default 10000; 0 disables. */
  handshakeTimeout?: number;
  /** Ping idle connections and fail dead ones. Default: off. A number is the interval. */
  keepAlive?: number | KeepAliveOptions;
  /** Only upgrade requests for this path (query ignored). Default: any path. `attach` and `listen` only. */
  path?: string;
  /** Largest request head accepted by `listen` (bigger: 431). Default 16 KiB. */
  maxHeaderSize?: number;
  /** Called with each refused or failed handshake (the response, if any, is already sent). Default: ignore. */
  onHandshakeError?: (error: unknown) => void;
}

/** Options of `connect` shared by every runtime; each adds its own TLS settings. */
export interface ClientOptions extends FramingOptions, StreamOptions {
  /** Subprotocols to offer, most preferred first. */
  protocols?: readonly string[];
  /** Offer permessage-deflate; `true` for RFC 7692 defaults. Default true. */
  deflate?: boolean | DeflateOptions;
  /** Extra request fields (`Origin`, `Authorization`, `Cookie`…). */
  headers?: HeaderInit;
  /** Milliseconds from connecting to a validated 101. Default 10000; 0 disables. */
  handshakeTimeout?: number;
  /** Ping when idle and fail a dead connection. Default: off. A number is the interval. */
  keepAlive?: number | KeepAliveOptions;
  /** Largest response head accepted. Default 16 KiB. */
  maxHeaderSize?: number;
}

/** Default handshake timeout, both sides. */
export const DEFAULT_HANDSHAKE_TIMEOUT = 10_000;

let zlibCompressor: ReturnType<typeof createZlibCompressor> | undefined;

/**
 * The framing's own options, picked out of a larger options object. Node and Deno (which has node:zlib
 * too) always get node:zlib as the compressor unless one is given: one factory per process, so its pool
 * of idle contexts is shared.
 */
export function framingOptions(options: FramingOptions): FramingOptions {
  const picked: FramingOptions = {};
  if (options.maxMessageSize !== undefined) picked.maxMessageSize = options.maxMessageSize;
  if (options.maxFragments !== undefined) picked.maxFragments = options.maxFragments;
  if (options.compressionThreshold !== undefined) picked.compressionThreshold = options.compressionThreshold;
  if (options.onControlFrame !== undefined) picked.onControlFrame = options.onControlFrame;
  if (options.echoCloseReason !== undefined) picked.echoCloseReason = options.echoCloseReason;
  picked.compressor = options.compressor ?? (zlibCompressor ??= createZlibCompressor(zlib));
  return picked;
}

/** The connection's options (limits, timeouts, keep-alive), picked out of a larger options object once. */
export function streamOptions(options: StreamOptions & Pick<ServerOptions, "keepAlive">): ConnectionOptions {
  const picked: ConnectionOptions = {};
  if (options.readableHighWaterMark !== undefined) picked.readableHighWaterMark = options.readableHighWaterMark;
  if (options.writableHighWaterMark !== undefined) picked.writableHighWaterMark = options.writableHighWaterMark;
  if (options.closeTimeout !== undefined) picked.closeTimeout = options.closeTimeout;
  if (options.idleTimeout !== undefined) picked.idleTimeout = options.idleTimeout;
  if (options.messageTimeout !== undefined) picked.messageTimeout = options.messageTimeout;
  const keepAlive = keepAliveSettings(options.keepAlive);
  if (keepAlive) picked.keepAlive = keepAlive;
  return picked;
}

/** Normalized keep-alive settings, or null when off. */
export function keepAliveSettings(option: number | KeepAliveOptions | undefined): Required<KeepAliveOptions> | null {
  if (option === undefined || option === 0) return null;
  const { interval, timeout = interval } = typeof option === "number" ? { interval: option } : option;
  for (const [name, value] of [
    ["keepAlive.interval", interval],
    ["keepAlive.timeout", timeout],
  ] as const) {
    if (!Number.isFinite(value) || value <= 0)
      throw new RangeError(`${name} must be a positive number of milliseconds, got ${value}`);
  }
  return { interval, timeout };
}

/** A timeout option in milliseconds (0 = none). */
export function timeoutOption(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0)
    throw new RangeError(`${name} must be a non-negative number of milliseconds, got ${value}`);
  return value;
}
