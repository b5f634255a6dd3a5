/**
 * The server side of an upgrade after the request head is read, runtime-neutral: check the server
 * options once, match the path, run `verify`, and decide between a 101 and a refusal with its status.
 * The runtime adapters (Node `net`/`http`, Deno `Deno.listen`) only write the answer and wrap the socket.
 */
import { FramedError, isFramedError, type StreamOptions, WriteSlab } from "@framed/core";
import { checkDeflateOptions, type DeflateParams } from "../deflate/params.ts";
import { acceptUpgrade, type ServerHandshake, type UpgradeRequest } from "../handshake/server-handshake.ts";
import type { Sha1 } from "../handshake/sha1.ts";
import { type WebSocketFraming, websocket } from "../index.ts";
import {
  DEFAULT_HANDSHAKE_TIMEOUT,
  framingOptions,
  keepAliveSettings,
  type ServerOptions,
  streamOptions,
  timeoutOption,
  type VerifyResult,
} from "./options.ts";

/** Settings checked once per server, reused for each upgrade. */
export interface UpgradeSettings {
  options: ServerOptions;
  handshakeTimeout: number;
  keepAlive: ReturnType<typeof keepAliveSettings>;
  /** The framing of every connection that agreed no permessage-deflate: options are checked once, not per connection. */
  framing: WebSocketFraming;
  /** The stream options picked out of the server's options, once. */
  streamOptions: StreamOptions;
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
    keepAlive: keepAliveSettings(options.keepAlive),
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

/** The refusal error for a verify result other than `true`. */
function verifyRefusal(result: Exclude<VerifyResult, true>): FramedError {
  if (result === false)
    return new FramedError("HANDSHAKE_FAILED", "the server refused the connection", { status: 403 });
  const status = Number.isInteger(result.status) && result.status >= 400 && result.status <= 599 ? result.status : 500;
  return new FramedError("HANDSHAKE_FAILED", result.reason ?? "the server refused the connection", { status });
}

/** What to do with a valid upgrade request: write `handshake.response` (101), or refuse with `error.status`. */
export type UpgradeDecision = { handshake: ServerHandshake } | { refusal: FramedError };

/**
 * Build the 101 for a request that needs no (more) verifying: synchronous, so a server without `verify`
 * answers in the tick the request head arrived. An answer that cannot be built is a 500 refusal.
 *
 * @example
 * ```ts
 * const decision = answerUpgrade(request, settings, sha1);
 * if ("refusal" in decision) writeRefusal(decision.refusal);
 * else write(decision.handshake.response);
 * ```
 */
export function answerUpgrade(request: UpgradeRequest, settings: UpgradeSettings, sha1: Sha1): UpgradeDecision {
  const { options } = settings;
  try {
    return {
      handshake: acceptUpgrade(request, {
        protocols: options.protocols,
        deflate: options.deflate,
        headers: options.headers,
        sha1,
      }),
    };
  } catch (error) {
    return {
      refusal: new FramedError("HANDSHAKE_FAILED", "the server could not answer the handshake", {
        status: 500,
        cause: error,
      }),
    };
  }
}

/**
 * Run the server's `verify` (through `guard`, which races it against the adapter's deadline and the
 * client leaving, and throws `TIMEOUT` or `CONNECTION_RESET` itself). Resolves with the refusal, or
 * undefined when the request may proceed. A verify that throws is a 500 refusal.
 */
export async function verifyUpgrade(
  request: UpgradeRequest,
  verify: NonNullable<ServerOptions["verify"]>,
  guard: (verifying: Promise<VerifyResult>) => Promise<VerifyResult>,
): Promise<FramedError | undefined> {
  let result: VerifyResult;
  try {
    result = await guard(Promise.resolve(verify(request)));
  } catch (error) {
    if (isFramedError(error, "TIMEOUT") || isFramedError(error, "CONNECTION_RESET")) throw error;
    return new FramedError("HANDSHAKE_FAILED", "the server failed while verifying the request", {
      status: 500,
      cause: error,
    });
  }
  return result === true ? undefined : verifyRefusal(result);
}

/**
 * `verify` when the server has one, then the 101 or the refusal.
 *
 * @example
 * ```ts
 * const decision = await decideUpgrade(request, settings, sha1, (verifying) => verifying);
 * ```
 */
export async function decideUpgrade(
  request: UpgradeRequest,
  settings: UpgradeSettings,
  sha1: Sha1,
  guard: (verifying: Promise<VerifyResult>) => Promise<VerifyResult>,
): Promise<UpgradeDecision> {
  const { verify } = settings.options;
  const refusal = verify ? await verifyUpgrade(request, verify, guard) : undefined;
  return refusal ? { refusal } : answerUpgrade(request, settings, sha1);
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
