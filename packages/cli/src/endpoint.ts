/**
 * Addresses as users type them (`ws://h:p/path`, `lp://h:p`, `h:p`, `:p`, `p`) turned into one endpoint:
 * the framing, host, port and, for WebSocket, the URL. Pure: no sockets here.
 */
import { CliError, EXIT } from "./exit-codes.ts";
import type { FramingName } from "./options.ts";

/** Where to connect or listen, and with which framing. */
export interface Endpoint {
  framing: FramingName;
  host: string;
  port: number;
  /** WebSocket only: `ws://host:port/path` or `wss://…`. */
  url?: string;
  /** WebSocket only: the request path (for listen: only this path is accepted). */
  path: string;
  secure: boolean;
}

const SCHEMES: Record<string, FramingName> = {
  "ws:": "websocket",
  "wss:": "websocket",
  "newline:": "newline",
  "tcp:": "newline",
  "ndjson:": "ndjson",
  "length-prefix:": "length-prefix",
  "lp:": "length-prefix",
};

function port(text: string, address: string): number {
  const n = Number(text);
  if (text === "" || !Number.isInteger(n) || n < 0 || n > 65535) {
    throw new CliError(EXIT.USAGE, `"${address}" has no valid port (0–65535)`);
  }
  return n;
}

/**
 * Parse an address. `framing` (from --framing) wins over the default but must agree with an explicit scheme.
 *
 * @example
 * ```ts
 * parseEndpoint("ws://127.0.0.1:8080/chat");          // websocket, 127.0.0.1, 8080, path /chat
 * parseEndpoint("9000", { framing: "length-prefix" }); // length-prefix, 127.0.0.1, 9000
 * ```
 */
export function parseEndpoint(address: string, { framing }: { framing?: FramingName } = {}): Endpoint {
  const scheme = /^([a-z][a-z-]*:)\/\//i.exec(address)?.[1]?.toLowerCase();
  if (scheme !== undefined) {
    const named = SCHEMES[scheme];
    if (named === undefined) {
      throw new CliError(
        EXIT.USAGE,
        `unknown scheme "${scheme}//" in "${address}": use ws, wss, newline, ndjson, length-prefix (lp) or tcp`,
      );
    }
    if (framing !== undefined && framing !== named && scheme !== "tcp:") {
      throw new CliError(EXIT.USAGE, `--framing ${framing} contradicts the address "${address}" (${named})`);
    }
    const chosen = scheme === "tcp:" ? (framing ?? "newline") : named;
    let url: URL;
    try {
      url = new URL(address);
    } catch {
      throw new CliError(EXIT.USAGE, `"${address}" is not a valid address`);
    }
    const secure = scheme === "wss:";
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1") || "127.0.0.1";
    const portNumber = url.port === "" ? (scheme === "ws:" ? 80 : secure ? 443 : Number.NaN) : Number(url.port);
    if (Number.isNaN(portNumber)) throw new CliError(EXIT.USAGE, `"${address}" needs a port`);
    const path = `${url.pathname || "/"}${url.search}`;
    const endpoint: Endpoint = { framing: chosen, host, port: portNumber, path, secure };
    if (chosen === "websocket") endpoint.url = url.href;
    return endpoint;
  }
  // host:port, [v6]:port, :port or port
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d*)$/.exec(address);
  const host = match ? (match[1] ?? match[2]) || "127.0.0.1" : "127.0.0.1";
  const portNumber = port(match ? match[3] : address, address);
  const chosen = framing ?? "newline";
  const endpoint: Endpoint = { framing: chosen, host, port: portNumber, path: "/", secure: false };
  if (chosen === "websocket") endpoint.url = `ws://${host.includes(":") ? `[${host}]` : host}:${portNumber}/`;
  return endpoint;
}

/** How an endpoint reads in messages: `ws://127.0.0.1:8080/`, `newline 127.0.0.1:9000`. */
export function describeEndpoint(endpoint: Endpoint): string {
  if (endpoint.url !== undefined) return endpoint.url;
  const host = endpoint.host.includes(":") ? `[${endpoint.host}]` : endpoint.host;
  return `${endpoint.framing} ${host}:${endpoint.port}`;
}

/**
 * The endpoint to listen on: the same addresses, but a listener serves plain TCP only (no certificate to
 * serve `wss://` with), and says so instead of silently serving `ws://`.
 *
 * @example
 * ```ts
 * parseListenEndpoint("ws://0.0.0.0:8080/"); // websocket on 0.0.0.0:8080
 * ```
 */
export function parseListenEndpoint(address: string, options: { framing?: FramingName } = {}): Endpoint {
  const endpoint = parseEndpoint(address, options);
  if (endpoint.secure) {
    throw new CliError(
      EXIT.USAGE,
      `cannot listen on "${address}": framed listens without TLS; put it behind a TLS proxy or use ws://`,
    );
  }
  return endpoint;
}
