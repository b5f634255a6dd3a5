/**
 * Where a `ws:`/`wss:` URL points for a socket client, runtime-neutral: the host and port to dial, the
 * Host header and request target, and `Authorization` from `user:password@`.
 */
import { encodeBase64 } from "../handshake/accept-key.ts";
import { type HeaderInit, headerPairs } from "../handshake/http-response.ts";

/** Where a `ws:`/`wss:` URL points, and what the request line and Host say. */
export interface Target {
  secure: boolean;
  /** For the socket connect: brackets removed from IPv6. */
  hostname: string;
  port: number;
  /** The Host header: host, plus the port when not the default. */
  host: string;
  path: string;
  /** `Authorization: Basic …` from `user:password@` in the URL. */
  authorization?: string;
}

/**
 * Read a WebSocket URL (`http:`/`https:` are accepted as their `ws` equivalents, like browsers do).
 *
 * @example
 * ```ts
 * parseTarget("ws://127.0.0.1:8080/chat?room=1"); // { secure: false, hostname: "127.0.0.1", port: 8080, path: "/chat?room=1", … }
 * ```
 */
export function parseTarget(url: string | URL): Target {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`invalid WebSocket URL: ${String(url)}`);
  }
  const scheme = parsed.protocol;
  if (!["ws:", "wss:", "http:", "https:"].includes(scheme)) {
    throw new TypeError(`a WebSocket URL must start with ws:// or wss://, got ${parsed.protocol}`);
  }
  if (parsed.hash !== "") throw new TypeError("a WebSocket URL must not have a #fragment");
  const secure = scheme === "wss:" || scheme === "https:";
  const target: Target = {
    secure,
    hostname: parsed.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: parsed.port === "" ? (secure ? 443 : 80) : Number(parsed.port),
    host: parsed.host,
    path: `${parsed.pathname || "/"}${parsed.search}`,
  };
  if (parsed.username !== "" || parsed.password !== "") {
    const credentials = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
    target.authorization = `Basic ${encodeBase64(new TextEncoder().encode(credentials))}`;
  }
  return target;
}

/** User headers, plus Authorization from the URL unless one was given. */
export function requestHeaders(headers: HeaderInit | undefined, authorization: string | undefined): HeaderInit {
  const pairs = headerPairs(headers);
  if (authorization && !pairs.some(([name]) => name.toLowerCase() === "authorization")) {
    pairs.push(["Authorization", authorization]);
  }
  return pairs;
}
