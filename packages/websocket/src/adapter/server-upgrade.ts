/**
 * A WebSocket server's settings, checked once per server, and the runtime-neutral pieces of its answer:
 * the path match (and the 404 without one), the framing for what was agreed, and which form of the request a
 * stream keeps. `ServerAccept` runs them in order for each connection.
 */
import { type ConnectionOptions, FramedError, WriteSlab } from "@framed/core";
import { checkDeflateOptions, type DeflateParams } from "../deflate/params.ts";
import type { UpgradeRequest } from "../handshake/server-handshake.ts";
import { type WebSocketFraming, websocket } from "../index.ts";
import {
  DEFAULT_HANDSHAKE_TIMEOUT,
  framingOptions,
  type ServerOptions,
  streamOptions,
  timeoutOption,
} from "./options.ts";

/** Settings checked once per server, reused for each upgrade. */
export interface UpgradeSettings {
  options: ServerOptions;
  handshakeTimeout: number;
  /** The framing of every connection that agreed no permessage-deflate: options are checked once, not per connection. */
  framing: WebSocketFraming;
  /** The connection options (limits, timeouts, keep-alive) picked out of the server's options, once. */
  streamOptions: ConnectionOptions;
}

/** Check the server options once; throws RangeError/TypeError naming a bad one. */
export function upgradeSettings(options: ServerOptions = {}): UpgradeSettings {
  // Bad options fail here, at listen/attach time, not as a 500 on each upgrade.
  // One write slab for every connection of this server, whatever deflate each agreed.
  const framing = websocket({ ...framingOptions(options), slab: new WriteSlab() });
  if (typeof options.deflate === "object") checkDeflateOptions(options.deflate, "server");
  return {
    options,
    framing,
    streamOptions: streamOptions(options),
    handshakeTimeout: timeoutOption("handshakeTimeout", options.handshakeTimeout, DEFAULT_HANDSHAKE_TIMEOUT),
  };
}

/** The framing for a connection that agreed `deflate` (null: none, the server's shared framing). */
export function framingFor(settings: UpgradeSettings, deflate: DeflateParams | null): WebSocketFraming {
  if (!deflate) return settings.framing;
  return websocket({ ...framingOptions(settings.options), deflate, slab: settings.framing.slab });
}

/** True when `url`'s path (query ignored) is `path`. */
export function pathMatches(url: string | undefined, path: string | undefined): boolean {
  if (path === undefined) return true;
  const target = url ?? "/";
  const query = target.indexOf("?");
  return (query === -1 ? target : target.slice(0, query)) === path;
}

/** The 404 refusal for an upgrade to a path that has no WebSocket endpoint (see {@link pathMatches}). */
export function noEndpoint(target: string | undefined): FramedError {
  return new FramedError("HANDSHAKE_FAILED", `no WebSocket endpoint at ${target}`, { status: 404 });
}

/**
 * What an accepted stream keeps of its request: the parsed request when code outside this package saw it
 * during the handshake (`verify`, a protocol selector), since a caller may have attached something to that
 * very object; otherwise only the head's text, which `stream.request` parses again when asked.
 */
export function requestToKeep(
  settings: UpgradeSettings,
  request: UpgradeRequest,
  headText: string | undefined,
): UpgradeRequest | string {
  const { options } = settings;
  // A callback that saw the parsed request may have kept it: the stream then shares that object.
  const shared =
    options.verify !== undefined || typeof options.protocols === "function" || typeof options.headers === "function";
  return shared || headText === undefined ? request : headText;
}
