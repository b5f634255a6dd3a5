/**
 * The server's half of the opening handshake (RFC 6455 §4.2), sans-I/O: check an upgrade request,
 * then pick a subprotocol and extensions and build the 101 response.
 */
import { FramedError } from "@framed/core";
import { negotiateDeflate } from "../deflate/negotiate.ts";
import { checkDeflateOptions, type DeflateOptions, type DeflateParams } from "../deflate/params.ts";
import { computeAccept, isValidKey } from "./accept-key.ts";
import {
  type ExtensionOffer,
  ExtensionSyntaxError,
  formatExtensionHeader,
  parseExtensionHeader,
} from "./extension-header.ts";
import { hasToken, parseProtocolList } from "./header-values.ts";
import type { RequestHead } from "./http-head.ts";
import type { HttpHeaders } from "./http-headers.ts";
import { type HeaderInit, switchingProtocols } from "./http-response.ts";
import type { Sha1 } from "./sha1.ts";

/** A valid WebSocket upgrade request, with the handshake fields already read. */
export interface UpgradeRequest {
  method: string;
  /** The request target as sent, for example `/chat?room=1`. */
  url: string;
  headers: HttpHeaders;
  /** `Host`. */
  host: string;
  /** `Origin`, sent by browsers. */
  origin: string | undefined;
  /** `Sec-WebSocket-Key`; "" over HTTP/2 (RFC 8441), which has none. */
  key: string;
  /** Subprotocols the client offered, in its order of preference. */
  protocols: readonly string[];
  /** Extensions the client offered, in its order. */
  extensions: readonly ExtensionOffer[];
}

/**
 * The 101's extra fields for one request.
 *
 * @example
 * ```ts
 * const headers: UpgradeHeaders = (request) => ({ "Set-Cookie": `session=${newSessionId(request)}` });
 * ```
 */
export type UpgradeHeaders = (request: UpgradeRequest) => HeaderInit | undefined;

/** Picks a subprotocol from the client's list; return undefined to use none. */
export type ProtocolSelector = (offered: readonly string[], request: UpgradeRequest) => string | undefined | null;

/** How the server answers an acceptable request. */
export interface ServerHandshakeOptions {
  /**
   * Subprotocols the server speaks, in its order of preference (the first one the client also offered
   * wins), or a function that picks one of the offered. Default: none.
   */
  protocols?: readonly string[] | ProtocolSelector;
  /** Accept permessage-deflate offers (`true` for RFC 7692 defaults). Default false. */
  deflate?: boolean | DeflateOptions;
  /**
   * Extra response fields on the 101 (for example `Set-Cookie`), or a function of the request returning them
   * (a cookie or a trace id per connection, as ws's `'headers'` event). A function that throws refuses with 500.
   */
  headers?: HeaderInit | UpgradeHeaders;
  /** A synchronous SHA-1 (Node: `node:crypto`). Default: the pure TypeScript one. */
  sha1?: Sha1;
}

/** The server's answer: bytes to write, and what was agreed. */
export interface ServerHandshake {
  /** The `101 Switching Protocols` response. */
  response: Uint8Array;
  /** The chosen subprotocol, "" for none. */
  protocol: string;
  /** The `Sec-WebSocket-Extensions` response value, "" for none. */
  extensions: string;
  /** The permessage-deflate parameters, or null when not agreed. */
  deflate: DeflateParams | null;
}

function refuse(status: number, message: string): never {
  throw new FramedError("HANDSHAKE_FAILED", message, { status });
}

/** The one value of a field that must not repeat, or undefined when absent. */
function single(headers: HttpHeaders, name: string): string | undefined {
  const count = headers.count(name);
  if (count > 1) refuse(400, `the ${name} header appears ${count} times`);
  return count === 1 ? headers.get(name) : undefined;
}

/**
 * An upgrade request has no body (RFC 6455 §4.1 sends none). One that announces a body is refused before any
 * upgrade: its bytes would otherwise be read as frames, and a proxy in front that honours the body and a server
 * that does not disagree about where the next request starts (request smuggling).
 */
function refuseBody(headers: HttpHeaders): void {
  if (headers.count("transfer-encoding") > 0) {
    refuse(
      400,
      `a WebSocket upgrade request must not have a body, got Transfer-Encoding: ${headers.get("transfer-encoding")}`,
    );
  }
  const count = headers.count("content-length");
  if (count === 0) return;
  const length = headers.get("content-length");
  if (count > 1 || length !== "0") {
    refuse(
      400,
      `a WebSocket upgrade request must not have a body, got Content-Length: ${length}${count > 1 ? ` (${count} times)` : ""}`,
    );
  }
}

/**
 * Check that a request is a WebSocket opening handshake (RFC 6455 §4.2.1) and read its fields.
 *
 * | problem | status |
 * | --- | --- |
 * | not GET | 405 (with `Allow: GET`) |
 * | not HTTP/1.1 | 505 |
 * | no `Upgrade` at all | 426 (with `Upgrade: websocket`) |
 * | `Host` missing or repeated, `Upgrade` without `websocket`, `Connection` without `upgrade` | 400 |
 * | a body: `Content-Length` other than 0, or any `Transfer-Encoding` | 400 |
 * | `Sec-WebSocket-Version` not 13 | 426 (with `Sec-WebSocket-Version: 13`) |
 * | `Sec-WebSocket-Key` not base64 of 16 bytes | 400 |
 * | malformed `Sec-WebSocket-Protocol` or `Sec-WebSocket-Extensions` | 400 |
 *
 * @throws FramedError `HANDSHAKE_FAILED` with `status` set as above.
 * @example
 * ```ts
 * const request = validateUpgradeRequest(parseRequestHead(head.text));
 * ```
 */
export function validateUpgradeRequest(head: RequestHead): UpgradeRequest {
  const { headers } = head;
  if (head.method !== "GET") refuse(405, `a WebSocket handshake must be a GET request, got ${head.method}`);
  if (head.version !== "1.1") refuse(505, `a WebSocket handshake must be HTTP/1.1, got HTTP/${head.version}`);
  const host = single(headers, "host");
  if (host === undefined || host === "") refuse(400, "the Host header is missing");
  const upgrade = headers.get("upgrade");
  if (upgrade === undefined) refuse(426, "this endpoint only speaks WebSocket: send Upgrade: websocket");
  if (!hasToken(upgrade, "websocket")) refuse(400, `the Upgrade header must name websocket, got "${upgrade}"`);
  if (!hasToken(headers.get("connection"), "upgrade")) refuse(400, "the Connection header must include upgrade");
  refuseBody(headers);
  const version = single(headers, "sec-websocket-version");
  if (version !== "13")
    refuse(426, `Sec-WebSocket-Version must be 13, got ${version === undefined ? "none" : `"${version}"`}`);
  const key = single(headers, "sec-websocket-key");
  if (key === undefined || !isValidKey(key)) refuse(400, "Sec-WebSocket-Key must be the base64 encoding of 16 bytes");

  const { protocols, extensions } = readOffers(headers);
  return {
    method: head.method,
    url: head.target,
    headers,
    host,
    origin: single(headers, "origin"),
    key,
    protocols,
    extensions,
  };
}

/**
 * The subprotocols and extensions a client offered (`Sec-WebSocket-Protocol`, `Sec-WebSocket-Extensions`),
 * read the same way for an HTTP/1.1 upgrade and an HTTP/2 extended CONNECT (RFC 8441).
 *
 * @throws FramedError `HANDSHAKE_FAILED` with status 400 when either field is malformed.
 */
export function readOffers(headers: HttpHeaders): { protocols: string[]; extensions: ExtensionOffer[] } {
  const protocolHeader = headers.get("sec-websocket-protocol");
  let protocols: string[] = [];
  if (protocolHeader !== undefined) {
    const parsed = parseProtocolList(protocolHeader);
    if (!parsed) refuse(400, "Sec-WebSocket-Protocol must be a list of distinct tokens");
    protocols = parsed;
  }
  const extensionHeader = headers.get("sec-websocket-extensions");
  let extensions: ExtensionOffer[] = [];
  if (extensionHeader !== undefined) {
    try {
      extensions = parseExtensionHeader(extensionHeader);
    } catch (error) {
      if (!(error instanceof ExtensionSyntaxError)) throw error;
      refuse(400, error.message);
    }
  }
  return { protocols, extensions };
}

/** The subprotocol to answer with, "" for none. */
function selectProtocol(request: UpgradeRequest, choice: ServerHandshakeOptions["protocols"]): string {
  if (!choice || request.protocols.length === 0) return "";
  if (typeof choice === "function") {
    const picked = choice(request.protocols, request);
    if (picked === undefined || picked === null || picked === "") return "";
    if (!request.protocols.includes(picked)) {
      throw new TypeError(`the protocols selector returned "${picked}", which the client did not offer`);
    }
    return picked;
  }
  return choice.find((protocol) => request.protocols.includes(protocol)) ?? "";
}

/** What both HTTP versions agree on the same way: the subprotocol, and the extensions. */
export interface UpgradeAgreement {
  /** The chosen subprotocol, "" for none. */
  protocol: string;
  /** The `Sec-WebSocket-Extensions` response value, "" for none. */
  extensions: string;
  /** The permessage-deflate parameters, or null when not agreed. */
  deflate: DeflateParams | null;
}

/**
 * Pick the subprotocol and the extensions for a validated request (HTTP/1.1 upgrade or HTTP/2 CONNECT).
 *
 * @throws TypeError when a `protocols` function picks a protocol the client did not offer.
 */
export function negotiateUpgrade(request: UpgradeRequest, options: ServerHandshakeOptions = {}): UpgradeAgreement {
  const protocol = selectProtocol(request, options.protocols);
  let deflate: DeflateParams | null = null;
  let extensions = "";
  if (options.deflate) {
    const preferences = options.deflate === true ? {} : checkDeflateOptions(options.deflate, "server");
    const agreement = negotiateDeflate(request.extensions, preferences);
    if (agreement) {
      deflate = agreement.params;
      extensions = formatExtensionHeader([agreement.response]);
    }
  }
  return { protocol, extensions, deflate };
}

/**
 * Answer a validated request: pick the subprotocol and extensions, and build the 101 response.
 *
 * @throws TypeError when a `protocols` function picks a protocol the client did not offer.
 * @example
 * ```ts
 * const { response, protocol, deflate } = acceptUpgrade(request, { protocols: ["chat.v2"], deflate: true });
 * socket.write(response);
 * ```
 */
export function acceptUpgrade(request: UpgradeRequest, options: ServerHandshakeOptions = {}): ServerHandshake {
  const { protocol, extensions, deflate } = negotiateUpgrade(request, options);
  const accept = computeAccept(request.key, options.sha1);
  const headers = typeof options.headers === "function" ? options.headers(request) : options.headers;
  const response = switchingProtocols({ accept, protocol, extensions, headers });
  return { response, protocol, extensions, deflate };
}
