/**
 * The client's half of the opening handshake (RFC 6455 §4.1), sans-I/O: build the upgrade request,
 * then check the server's response against it.
 */
import { FramedError } from "@framed/core";
import { acceptDeflateResponse, createDeflateOffer, PERMESSAGE_DEFLATE } from "../deflate/negotiate.ts";
import { checkDeflateOptions, type DeflateOptions, type DeflateParams } from "../deflate/params.ts";
import { computeAccept, createKey } from "./accept-key.ts";
import { ExtensionSyntaxError, formatExtensionHeader, parseExtensionHeader } from "./extension-header.ts";
import { hasToken, isToken } from "./header-values.ts";
import type { ResponseHead } from "./http-head.ts";
import type { HttpHeaders } from "./http-headers.ts";
import { checkHeaderField, encodeHead, type HeaderInit, headerPairs } from "./http-response.ts";
import type { Sha1 } from "./sha1.ts";

/** What goes into the upgrade request. */
export interface ClientHandshakeOptions {
  /** The `Host` value: host, plus `:port` when not the scheme's default. */
  host: string;
  /** The request target: path and query, for example `/chat?room=1`. */
  path: string;
  /** Subprotocols to offer, most preferred first. */
  protocols?: readonly string[];
  /** Offer permessage-deflate (`true` for RFC 7692 defaults). Default true. */
  deflate?: boolean | DeflateOptions;
  /** Extra request fields (`Origin`, `Authorization`, `Cookie`…). The handshake's own fields cannot be set. */
  headers?: HeaderInit;
  /** A synchronous SHA-1 (Node: `node:crypto`). Default: the pure TypeScript one. */
  sha1?: Sha1;
  /** The `Sec-WebSocket-Key` to send; tests only. Default: 16 random bytes. */
  key?: string;
}

/** A request ready to send, and what checking its answer needs. */
export interface ClientHandshake {
  request: Uint8Array;
  key: string;
  /** The `Sec-WebSocket-Accept` the server must answer with. */
  expectedAccept: string;
  protocols: readonly string[];
  /** The deflate offer made, or null when none was. */
  deflate: DeflateOptions | null;
}

/** What the server agreed to. */
/** The server's answer to a client's upgrade request, as a client stream keeps it (`stream.response`). */
export interface UpgradeResponse {
  /** Always 101 on a stream (any other status fails the handshake). */
  status: number;
  /** The reason phrase, usually "Switching Protocols". */
  reason: string;
  /** Every header field of the 101, for cookies, tracing or a server's own fields. */
  headers: HttpHeaders;
}

export interface ClientHandshakeResult {
  /** The server's `101 Switching Protocols`: its status, reason phrase and header fields. */
  response: UpgradeResponse;
  /** The subprotocol the server chose, "" for none. */
  protocol: string;
  /** The server's `Sec-WebSocket-Extensions`, "" for none. */
  extensions: string;
  deflate: DeflateParams | null;
  headers: HttpHeaders;
}

/** Fields the handshake owns; user headers may not replace them. */
const RESERVED = new Set([
  "upgrade",
  "connection",
  "sec-websocket-key",
  "sec-websocket-version",
  "sec-websocket-protocol",
  "sec-websocket-extensions",
]);

/**
 * Check what a client offers, the same for an HTTP/1.1 upgrade and an HTTP/2 extended CONNECT: subprotocols
 * (tokens, no repeats), the request path, and the deflate offer (null: none).
 *
 * @throws TypeError naming the bad subprotocol, path or deflate option.
 */
export function checkClientOffer(options: {
  protocols?: readonly string[];
  path: string;
  deflate?: boolean | DeflateOptions;
}): { protocols: readonly string[]; deflate: DeflateOptions | null } {
  const protocols = options.protocols ?? [];
  const seen = new Set<string>();
  for (const protocol of protocols) {
    if (!isToken(protocol)) throw new TypeError(`subprotocol "${protocol}" is not a valid token`);
    if (seen.has(protocol)) throw new TypeError(`subprotocol "${protocol}" is listed twice`);
    seen.add(protocol);
  }
  if (!/^[\x21-\x7e]+$/.test(options.path) || !options.path.startsWith("/")) {
    throw new TypeError(`the request path must start with "/" and be printable ASCII, got "${options.path}"`);
  }
  const deflate =
    options.deflate === false
      ? null
      : options.deflate === true || options.deflate === undefined
        ? {}
        : checkDeflateOptions(options.deflate, "client");
  return { protocols, deflate };
}

/**
 * Build the upgrade request.
 *
 * @throws TypeError for a bad subprotocol, a header the handshake owns, or CR/LF in a header.
 * @example
 * ```ts
 * const handshake = createClientHandshake({ host: "example.com", path: "/chat", protocols: ["chat.v2"] });
 * socket.write(handshake.request);
 * ```
 */
export function createClientHandshake(options: ClientHandshakeOptions): ClientHandshake {
  const { protocols, deflate } = checkClientOffer(options);
  const key = options.key ?? createKey();

  const fields: Array<readonly [string, string]> = [];
  let host = options.host;
  const extra: Array<readonly [string, string]> = [];
  for (const [name, value] of headerPairs(options.headers)) {
    checkHeaderField(name, value);
    const lower = name.toLowerCase();
    if (RESERVED.has(lower)) throw new TypeError(`the ${name} header is set by the handshake and cannot be given`);
    if (lower === "host") host = value;
    else extra.push([name, value]);
  }
  checkHeaderField("Host", host);
  fields.push(["Host", host], ["Upgrade", "websocket"], ["Connection", "Upgrade"]);
  fields.push(["Sec-WebSocket-Key", key], ["Sec-WebSocket-Version", "13"]);
  if (protocols.length > 0) fields.push(["Sec-WebSocket-Protocol", protocols.join(", ")]);
  if (deflate) fields.push(["Sec-WebSocket-Extensions", formatExtensionHeader([createDeflateOffer(deflate)])]);
  fields.push(...extra);
  return {
    request: encodeHead(`GET ${options.path} HTTP/1.1`, fields),
    key,
    expectedAccept: computeAccept(key, options.sha1),
    protocols,
    deflate,
  };
}

/**
 * Check the server's response (RFC 6455 §4.1, RFC 7692 §7.1): 101, `Upgrade: websocket`,
 * `Connection: upgrade`, the right `Sec-WebSocket-Accept`, a subprotocol we offered (or none), and only
 * extensions we offered with parameters our offer allowed.
 *
 * @param body bytes that followed a refusal's head, quoted (shortened) in the error to say why.
 * @throws FramedError `HANDSHAKE_FAILED` with the response's `status`.
 */
export function validateUpgradeResponse(
  head: ResponseHead,
  handshake: ClientHandshake,
  body?: Uint8Array,
): ClientHandshakeResult {
  const { headers, status } = head;
  const fail = (message: string): never => {
    throw new FramedError("HANDSHAKE_FAILED", message, { status });
  };
  if (status !== 101) {
    const why = body && body.length > 0 ? `: ${describeBody(body)}` : "";
    fail(`the server refused the WebSocket handshake with ${status} ${head.reason}${why}`.trimEnd());
  }
  if (head.version !== "1.1") fail(`the server answered with HTTP/${head.version}, not HTTP/1.1`);
  if (!hasToken(headers.get("upgrade"), "websocket")) fail("the server's 101 lacks Upgrade: websocket");
  if (!hasToken(headers.get("connection"), "upgrade")) fail("the server's 101 lacks Connection: upgrade");
  const accepts = headers.getAll("sec-websocket-accept");
  if (accepts.length !== 1 || accepts[0] !== handshake.expectedAccept) {
    fail(`Sec-WebSocket-Accept is "${accepts.join(", ")}", expected "${handshake.expectedAccept}"`);
  }

  return {
    ...readServerAgreement(headers, handshake, fail),
    response: { status, reason: head.reason, headers },
    headers,
  };
}

/**
 * Check the subprotocol and extensions a server accepted against what was offered, the same way for an
 * HTTP/1.1 101 and an HTTP/2 200 (RFC 8441); `fail` throws the caller's error.
 */
export function readServerAgreement(
  headers: HttpHeaders,
  handshake: Pick<ClientHandshake, "protocols" | "deflate">,
  fail: (message: string) => never,
): Omit<ClientHandshakeResult, "headers" | "response"> {
  const protocolValues = headers.getAll("sec-websocket-protocol");
  const protocol = protocolValues.length === 0 ? "" : protocolValues.join(", ");
  if (protocolValues.length > 1 || (protocol !== "" && !handshake.protocols.includes(protocol))) {
    fail(`the server chose subprotocol "${protocol}", which was not offered`);
  }

  const extensions = headers.get("sec-websocket-extensions") ?? "";
  let deflate: DeflateParams | null = null;
  if (extensions !== "") {
    let answered: ReturnType<typeof parseExtensionHeader> = [];
    try {
      answered = parseExtensionHeader(extensions);
    } catch (error) {
      if (!(error instanceof ExtensionSyntaxError)) throw error;
      fail(error.message);
    }
    for (const extension of answered) {
      if (extension.name !== PERMESSAGE_DEFLATE || !handshake.deflate) {
        fail(`the server accepted extension "${extension.name}", which was not offered`);
      }
      if (deflate) fail("the server accepted permessage-deflate twice");
      try {
        deflate = acceptDeflateResponse(extension, handshake.deflate ?? {});
      } catch (error) {
        fail(error instanceof Error ? error.message : String(error));
      }
    }
  }
  return { protocol, extensions, deflate };
}

/** The start of a refusal's body, as text, for an error message. */
function describeBody(body: Uint8Array): string {
  const text = new TextDecoder().decode(body.subarray(0, 200)).replace(/\s+/g, " ").trim();
  return body.length > 200 ? `${text}…` : text;
}
