/**
 * permessage-deflate negotiation (RFC 7692 §5–7): the client's offer, the server's pick among offers,
 * and the client's check of the server's answer.
 *
 * ```
 * client → Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits
 * server ← Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; client_max_window_bits=12
 * ```
 */
import { FramedError } from "@framed/core";
import type { ExtensionOffer, ExtensionParam } from "../handshake/extension-header.ts";
import { type DeflateOptions, type DeflateParams, MIN_COMPRESSOR_WINDOW_BITS } from "./params.ts";

/** The registered extension name. */
export const PERMESSAGE_DEFLATE = "permessage-deflate";

/** What the server agreed to: the parameters for its framing and the element for its response header. */
export interface DeflateAgreement {
  params: DeflateParams;
  response: ExtensionOffer;
}

/** The four parameters as read from one offer or response; window bits `true` = named without a value. */
interface ReadParams {
  serverNoContextTakeover: boolean;
  clientNoContextTakeover: boolean;
  serverMaxWindowBits?: number;
  clientMaxWindowBits?: number | true;
}

const WINDOW_BITS = /^(?:8|9|1[0-5])$/;

/**
 * Read the parameters of one permessage-deflate element, or say what is wrong with it: an unknown or
 * repeated parameter, a value where none is allowed, a window size outside 8..15. In a response
 * `client_max_window_bits` must carry a value (§7.1.2.2); in an offer it may not.
 */
function readParams(params: readonly ExtensionParam[], from: "offer" | "response"): ReadParams | string {
  const read: ReadParams = { serverNoContextTakeover: false, clientNoContextTakeover: false };
  const seen = new Set<string>();
  for (const { name, value } of params) {
    if (seen.has(name)) return `parameter ${name} appears twice`;
    seen.add(name);
    switch (name) {
      case "server_no_context_takeover":
      case "client_no_context_takeover":
        if (value !== true) return `parameter ${name} takes no value, got "${value}"`;
        if (name === "server_no_context_takeover") read.serverNoContextTakeover = true;
        else read.clientNoContextTakeover = true;
        break;
      case "server_max_window_bits":
        if (value === true || !WINDOW_BITS.test(value))
          return `server_max_window_bits must be 8..15, got ${String(value)}`;
        read.serverMaxWindowBits = Number(value);
        break;
      case "client_max_window_bits":
        if (value === true) {
          if (from === "response") return "client_max_window_bits in a response needs a value";
          read.clientMaxWindowBits = true;
        } else {
          if (!WINDOW_BITS.test(value)) return `client_max_window_bits must be 8..15, got ${value}`;
          read.clientMaxWindowBits = Number(value);
        }
        break;
      default:
        return `unknown parameter ${name}`;
    }
  }
  return read;
}

/**
 * Server side: accept the first permessage-deflate offer that is valid and compatible with `options`,
 * or return null to decline them all (the connection then goes on without compression).
 *
 * An offer is declined, never refused, when its parameters are invalid (§5: "decline"), when it asks
 * for an 8-bit server window (our zlib compressor cannot honour one), or when `options.clientMaxWindowBits`
 * is set but the offer does not let the server cap the client's window.
 *
 * @example
 * ```ts
 * const agreement = negotiateDeflate(parseExtensionHeader(header), { serverNoContextTakeover: true });
 * if (agreement) respondWith(formatExtensionHeader([agreement.response]));
 * ```
 */
export function negotiateDeflate(
  offers: readonly ExtensionOffer[],
  options: DeflateOptions = {},
): DeflateAgreement | null {
  for (const offer of offers) {
    if (offer.name !== PERMESSAGE_DEFLATE) continue;
    const read = readParams(offer.params, "offer");
    if (typeof read === "string") continue;
    if (read.serverMaxWindowBits !== undefined && read.serverMaxWindowBits < MIN_COMPRESSOR_WINDOW_BITS) continue;

    let clientBits: number | undefined;
    if (options.clientMaxWindowBits !== undefined) {
      if (read.clientMaxWindowBits === undefined) continue;
      clientBits = Math.min(
        options.clientMaxWindowBits,
        read.clientMaxWindowBits === true ? 15 : read.clientMaxWindowBits,
      );
    } else if (typeof read.clientMaxWindowBits === "number") {
      clientBits = read.clientMaxWindowBits;
    }
    const serverBits = Math.min(options.serverMaxWindowBits ?? 15, read.serverMaxWindowBits ?? 15);
    const serverNoContextTakeover = read.serverNoContextTakeover || options.serverNoContextTakeover === true;
    const clientNoContextTakeover = read.clientNoContextTakeover || options.clientNoContextTakeover === true;

    const response: ExtensionParam[] = [];
    if (serverNoContextTakeover) response.push({ name: "server_no_context_takeover", value: true });
    if (clientNoContextTakeover) response.push({ name: "client_no_context_takeover", value: true });
    if (read.serverMaxWindowBits !== undefined || serverBits < 15) {
      response.push({ name: "server_max_window_bits", value: String(serverBits) });
    }
    if (clientBits !== undefined) response.push({ name: "client_max_window_bits", value: String(clientBits) });
    return {
      params: {
        serverNoContextTakeover,
        clientNoContextTakeover,
        serverMaxWindowBits: serverBits,
        clientMaxWindowBits: clientBits ?? 15,
      },
      response: { name: PERMESSAGE_DEFLATE, params: response },
    };
  }
  return null;
}

/**
 * Client side: the one offer to send. `client_max_window_bits` is always present so the server may cap
 * our window (as browsers and `ws` do).
 *
 * @example
 * ```ts
 * formatExtensionHeader([createDeflateOffer({})]); // "permessage-deflate; client_max_window_bits"
 * ```
 */
export function createDeflateOffer(options: DeflateOptions = {}): ExtensionOffer {
  const params: ExtensionParam[] = [];
  if (options.serverNoContextTakeover) params.push({ name: "server_no_context_takeover", value: true });
  if (options.clientNoContextTakeover) params.push({ name: "client_no_context_takeover", value: true });
  if (options.serverMaxWindowBits !== undefined) {
    params.push({ name: "server_max_window_bits", value: String(options.serverMaxWindowBits) });
  }
  params.push({
    name: "client_max_window_bits",
    value: options.clientMaxWindowBits === undefined ? true : String(options.clientMaxWindowBits),
  });
  return { name: PERMESSAGE_DEFLATE, params };
}

/**
 * Client side: check the server's permessage-deflate element against the offer made from `options`
 * and return the agreed parameters. Anything the offer did not allow fails the connection (§7.1):
 * a server window above the one asked for, a missing `server_no_context_takeover` that was asked for,
 * a client window above ours or below what our compressor can use, unknown or repeated parameters.
 *
 * @throws FramedError `HANDSHAKE_FAILED` naming the parameter.
 */
export function acceptDeflateResponse(response: ExtensionOffer, options: DeflateOptions = {}): DeflateParams {
  const refuse = (why: string): never => {
    throw new FramedError("HANDSHAKE_FAILED", `the server's permessage-deflate response is not acceptable: ${why}`);
  };
  const read = readParams(response.params, "response");
  if (typeof read === "string") return refuse(read);
  const clientBits = read.clientMaxWindowBits as number | undefined;
  if (clientBits !== undefined) {
    if (options.clientMaxWindowBits !== undefined && clientBits > options.clientMaxWindowBits) {
      refuse(`client_max_window_bits=${clientBits} is above the ${options.clientMaxWindowBits} offered`);
    }
    if (clientBits < MIN_COMPRESSOR_WINDOW_BITS)
      refuse(`client_max_window_bits=${clientBits} is below what zlib can compress with`);
  }
  if (options.serverMaxWindowBits !== undefined) {
    if (read.serverMaxWindowBits === undefined) refuse("server_max_window_bits was offered but not answered");
    else if (read.serverMaxWindowBits > options.serverMaxWindowBits) {
      refuse(`server_max_window_bits=${read.serverMaxWindowBits} is above the ${options.serverMaxWindowBits} offered`);
    }
  }
  if (options.serverNoContextTakeover && !read.serverNoContextTakeover) {
    refuse("server_no_context_takeover was offered but not answered");
  }
  return {
    serverNoContextTakeover: read.serverNoContextTakeover,
    clientNoContextTakeover: read.clientNoContextTakeover || options.clientNoContextTakeover === true,
    serverMaxWindowBits: read.serverMaxWindowBits ?? 15,
    clientMaxWindowBits: clientBits ?? options.clientMaxWindowBits ?? 15,
  };
}
