/**
 * The server side of an upgrade after the request head is read, runtime-neutral: check the server
 * options once, match the path, run `verify`, and decide between a 101 and a refusal with its status.
 * The runtime adapters (Node `net`/`http`, Deno `Deno.listen`) only write the answer and wrap the socket.
 */
import { FramedError, isFramedError } from "@framed/core";
import { checkDeflateOptions } from "../deflate/params.ts";
import { acceptUpgrade, type ServerHandshake, type UpgradeRequest } from "../handshake/server-handshake.ts";
import type { Sha1 } from "../handshake/sha1.ts";
import { websocketFraming } from "../index.ts";
import {
  DEFAULT_HANDSHAKE_TIMEOUT,
  framingOptions,
  keepAliveSettings,
  type ServerOptions,
  timeoutOption,
  type VerifyResult,
} from "./options.ts";

/** Settings checked once per server, reused for each upgrade. */
export interface UpgradeSettings {
  options: ServerOptions;
  handshakeTimeout: number;
  keepAlive: ReturnType<typeof keepAliveSettings>;
}

/** Check the server options once; throws RangeError/TypeError naming a bad one. */
export function upgradeSettings(options: ServerOptions = {}): UpgradeSettings {
  // Bad options fail here, at listen/attach time, not as a 500 on each upgrade.
  websocketFraming(framingOptions(options));
  if (typeof options.deflate === "object") checkDeflateOptions(options.deflate, "server");
  return {
    options,
    handshakeTimeout: timeoutOption("handshakeTimeout", options.handshakeTimeout, DEFAULT_HANDSHAKE_TIMEOUT),
    keepAlive: keepAliveSettings(options.keepAlive),
  };
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
 * Run `verify` (through `guard`, which races it against the adapter's deadline and the client leaving,
 * and throws `TIMEOUT` or `CONNECTION_RESET` itself) and build the 101. A verify that throws, or an
 * answer that cannot be built, is a 500 refusal.
 *
 * @example
 * ```ts
 * const decision = await decideUpgrade(request, settings, sha1, (verifying) => verifying);
 * if ("refusal" in decision) writeRefusal(decision.refusal);
 * else write(decision.handshake.response);
 * ```
 */
export async function decideUpgrade(
  request: UpgradeRequest,
  settings: UpgradeSettings,
  sha1: Sha1,
  guard: (verifying: Promise<VerifyResult>) => Promise<VerifyResult>,
): Promise<UpgradeDecision> {
  const { options } = settings;
  let result: VerifyResult = true;
  if (options.verify) {
    try {
      result = await guard(Promise.resolve(options.verify(request)));
    } catch (error) {
      if (isFramedError(error, "TIMEOUT") || isFramedError(error, "CONNECTION_RESET")) throw error;
      return {
        refusal: new FramedError("HANDSHAKE_FAILED", "the server failed while verifying the request", {
          status: 500,
          cause: error,
        }),
      };
    }
  }
  if (result !== true) return { refusal: verifyRefusal(result) };
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
