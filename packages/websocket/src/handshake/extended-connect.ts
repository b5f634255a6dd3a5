/**
 * The WebSocket opening handshake over HTTP/2 (RFC 8441 extended CONNECT), sans-I/O, both sides: a
 * `CONNECT` request with `:protocol: websocket` answered by a `200`, with no `Sec-WebSocket-Key`/`Accept`.
 * Subprotocols, extensions and permessage-deflate go through the same code as the HTTP/1.1 handshake.
 */
import { FramedError } from "@framed/core";
import { createDeflateOffer } from "../deflate/negotiate.ts";
import type { DeflateOptions } from "../deflate/params.ts";
import { type ClientHandshakeResult, checkClientOffer, readServerAgreement } from "./client-handshake.ts";
import { formatExtensionHeader } from "./extension-header.ts";
import type { HttpHeaders } from "./http-headers.ts";
import { checkHeaderField, type HeaderInit, headerPairs } from "./http-response.ts";
import {
  negotiateUpgrade,
  readOffers,
  type ServerHandshakeOptions,
  type UpgradeAgreement,
  type UpgradeRequest,
} from "./server-handshake.ts";

/** An HTTP/2 request's fields: its pseudo-header fields and the rest (`rawHeaders` pairs, pseudo ones included or not). */
export interface ConnectRequestHead {
  /** `:method`. */
  method: string;
  /** `:protocol` (RFC 8441), undefined when absent. */
  protocol: string | undefined;
  /** `:path`. */
  path: string | undefined;
  /** `:authority`. */
  authority: string | undefined;
  headers: HttpHeaders;
}

function refuse(status: number, message: string): never {
  throw new FramedError("HANDSHAKE_FAILED", message, { status });
}

/**
 * Check that an HTTP/2 request is a WebSocket extended CONNECT (RFC 8441 §4, §5) and read its fields.
 *
 * | problem | status |
 * | --- | --- |
 * | not CONNECT | 405 |
 * | `:protocol` missing or not `websocket` | 400 |
 * | `:path` or `:authority` missing | 400 |
 * | `Sec-WebSocket-Version` not 13 | 400 (the response carries `sec-websocket-version: 13`) |
 * | malformed `Sec-WebSocket-Protocol` or `Sec-WebSocket-Extensions` | 400 |
 *
 * @throws FramedError `HANDSHAKE_FAILED` with `status` set as above.
 * @example
 * ```ts
 * const request = validateConnectRequest({
 *   method: fields[":method"],
 *   protocol: fields[":protocol"],
 *   path: fields[":path"],
 *   authority: fields[":authority"],
 *   headers: HttpHeaders.fromPairs(rawHeaders),
 * });
 * ```
 */
export function validateConnectRequest(head: ConnectRequestHead): UpgradeRequest {
  const { headers } = head;
  if (head.method !== "CONNECT") refuse(405, `a WebSocket over HTTP/2 must be a CONNECT request, got ${head.method}`);
  if (head.protocol !== "websocket")
    refuse(400, `the :protocol of a WebSocket CONNECT must be websocket, got ${head.protocol ?? "none"}`);
  if (!head.path) refuse(400, "the :path of a WebSocket CONNECT is missing");
  if (!head.authority) refuse(400, "the :authority of a WebSocket CONNECT is missing");
  const versions = headers.getAll("sec-websocket-version");
  if (versions.length !== 1 || versions[0] !== "13")
    refuse(400, `Sec-WebSocket-Version must be 13, got ${versions.length === 0 ? "none" : `"${versions.join(", ")}"`}`);
  const origins = headers.getAll("origin");
  if (origins.length > 1) refuse(400, `the origin header appears ${origins.length} times`);
  const { protocols, extensions } = readOffers(headers);
  return {
    method: head.method,
    url: head.path,
    headers,
    host: head.authority,
    origin: origins[0],
    key: "",
    protocols,
    extensions,
  };
}

/** The server's answer to an extended CONNECT: the 200's fields, and what was agreed. */
export interface ConnectAnswer extends UpgradeAgreement {
  /** Response fields to send with `:status: 200` (lower-case names, pseudo fields not included). */
  headers: Array<[string, string]>;
}

/**
 * Answer a validated extended CONNECT: the same subprotocol and extension choice as `acceptUpgrade`,
 * as HTTP/2 response fields.
 *
 * @throws TypeError when a `protocols` function picks a protocol the client did not offer, or a
 * header is invalid.
 * @example
 * ```ts
 * const answer = acceptConnect(request, { protocols: ["chat.v2"], deflate: true });
 * stream.respond({ ":status": 200, ...Object.fromEntries(answer.headers) });
 * ```
 */
export function acceptConnect(request: UpgradeRequest, options: ServerHandshakeOptions = {}): ConnectAnswer {
  const agreement = negotiateUpgrade(request, options);
  const headers: Array<[string, string]> = [];
  if (agreement.protocol !== "") headers.push(["sec-websocket-protocol", agreement.protocol]);
  if (agreement.extensions !== "") headers.push(["sec-websocket-extensions", agreement.extensions]);
  // The per-request form too, as for an HTTP/1.1 101 (a cookie or a trace id per WebSocket).
  headers.push(...http2Fields(typeof options.headers === "function" ? options.headers(request) : options.headers));
  return { ...agreement, headers };
}

/** Fields HTTP/2 forbids (RFC 9113 §8.2.2) or that the WebSocket handshake owns. */
const NOT_IN_HTTP2 = new Set(["connection", "upgrade", "keep-alive", "proxy-connection", "transfer-encoding"]);
const OWNED = new Set([
  "sec-websocket-key",
  "sec-websocket-version",
  "sec-websocket-protocol",
  "sec-websocket-extensions",
]);

/** User fields as HTTP/2 fields: checked, lower-cased, connection-specific ones dropped (they mean nothing there). */
function http2Fields(headers: HeaderInit | undefined): Array<[string, string]> {
  const fields: Array<[string, string]> = [];
  for (const [name, value] of headerPairs(headers)) {
    checkHeaderField(name, value);
    const lower = name.toLowerCase();
    if (!NOT_IN_HTTP2.has(lower)) fields.push([lower, value]);
  }
  return fields;
}

/** What goes into a client's extended CONNECT. */
export interface ConnectRequestOptions {
  /** `:authority`: host, plus `:port` when not the scheme's default. A `Host` in `headers` replaces it. */
  authority: string;
  /** `:path`: path and query. */
  path: string;
  /** `:scheme`: `https` or `http`. */
  scheme: "https" | "http";
  /** Subprotocols to offer, most preferred first. */
  protocols?: readonly string[];
  /** Offer permessage-deflate (`true` for RFC 7692 defaults). Default true. */
  deflate?: boolean | DeflateOptions;
  /** Extra request fields (`Origin`, `Authorization`, `Cookie`…). */
  headers?: HeaderInit;
}

/** A client's extended CONNECT, ready for `session.request`, and what checking its answer needs. */
export interface ConnectRequest {
  /** Request fields, pseudo fields included. */
  headers: Record<string, string>;
  protocols: readonly string[];
  /** The deflate offer made, or null. */
  deflate: DeflateOptions | null;
}

/**
 * Build a client's extended CONNECT request.
 *
 * @throws TypeError for a bad subprotocol or path, a field the handshake owns, or a control character in a field.
 * @example
 * ```ts
 * const connect = createConnectRequest({ authority: "example.com", path: "/chat", scheme: "https" });
 * const stream = session.request(connect.headers, { endStream: false });
 * ```
 */
export function createConnectRequest(options: ConnectRequestOptions): ConnectRequest {
  const { protocols, deflate } = checkClientOffer(options);
  const headers: Record<string, string> = {
    ":method": "CONNECT",
    ":protocol": "websocket",
    ":scheme": options.scheme,
    ":path": options.path,
    ":authority": options.authority,
    "sec-websocket-version": "13",
  };
  if (protocols.length > 0) headers["sec-websocket-protocol"] = protocols.join(", ");
  if (deflate) headers["sec-websocket-extensions"] = formatExtensionHeader([createDeflateOffer(deflate)]);
  for (const [name, value] of http2Fields(options.headers)) {
    if (OWNED.has(name)) throw new TypeError(`the ${name} header is set by the handshake and cannot be given`);
    if (name === "host") headers[":authority"] = value;
    else headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return { headers, protocols, deflate };
}

/**
 * Check the server's answer to an extended CONNECT: a 2xx (RFC 8441 §5), a subprotocol that was
 * offered, and only extensions that were offered.
 *
 * @throws FramedError `HANDSHAKE_FAILED` with the response's `status`.
 * @example
 * ```ts
 * stream.once("response", (fields) => {
 *   const result = validateConnectResponse(fields[":status"], HttpHeaders.fromPairs(rawPairs), connect);
 * });
 * ```
 */
export function validateConnectResponse(
  status: number,
  headers: HttpHeaders,
  request: ConnectRequest,
): ClientHandshakeResult {
  const fail = (message: string): never => {
    throw new FramedError("HANDSHAKE_FAILED", message, { status });
  };
  if (status < 200 || status > 299) fail(`the server refused the WebSocket CONNECT with ${status}`);
  // HTTP/2 has no reason phrase.
  return { ...readServerAgreement(headers, request, fail), response: { status, reason: "", headers }, headers };
}
