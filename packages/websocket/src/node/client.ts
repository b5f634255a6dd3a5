/**
 * The Node WebSocket client: `connect("ws://…" | "wss://…")` opens TCP or TLS, sends the upgrade
 * request, checks the 101 with the sans-I/O handshake, and wraps the socket as a WebSocket stream.
 */
import * as net from "node:net";
import * as tls from "node:tls";
import { FramedError } from "@framed/core";
import { wrap } from "@framed/core/node";
import { createClientHandshake, validateUpgradeResponse } from "../handshake/client-handshake.ts";
import { HttpHeadReader, parseResponseHead } from "../handshake/http-head.ts";
import { type HeaderInit, headerPairs } from "../handshake/http-response.ts";
import { websocketFraming } from "../index.ts";
import { startKeepAlive } from "./keep-alive.ts";
import {
  type ConnectOptions,
  DEFAULT_HANDSHAKE_TIMEOUT,
  framingOptions,
  keepAliveSettings,
  streamOptions,
  timeoutOption,
} from "./options.ts";
import { nodeSha1 } from "./upgrade.ts";
import { type WebSocketMessageStream, WebSocketStream } from "./websocket-stream.ts";

/** Where a `ws:`/`wss:` URL points, and what the request line and Host say. */
interface Target {
  secure: boolean;
  /** For net/tls.connect: brackets removed from IPv6. */
  hostname: string;
  port: number;
  /** The Host header: host, plus the port when not the default. */
  host: string;
  path: string;
  /** `Authorization: Basic …` from `user:password@` in the URL. */
  authorization?: string;
}

/** Read a WebSocket URL (`http:`/`https:` are accepted as their `ws` equivalents, like browsers do). */
function parseTarget(url: string | URL): Target {
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
    target.authorization = `Basic ${Buffer.from(credentials).toString("base64")}`;
  }
  return target;
}

/** User headers, plus Authorization from the URL unless one was given. */
function requestHeaders(headers: HeaderInit | undefined, authorization: string | undefined): HeaderInit {
  const pairs = headerPairs(headers);
  if (authorization && !pairs.some(([name]) => name.toLowerCase() === "authorization")) {
    pairs.push(["Authorization", authorization]);
  }
  return pairs;
}

/**
 * Open a WebSocket connection. Resolves once the server's 101 is checked; a refusal rejects with
 * `FramedError` `HANDSHAKE_FAILED` carrying the HTTP `status`, a slow server with `TIMEOUT`, an
 * unreachable one with `CONNECT_FAILED`.
 *
 * @example
 * ```ts
 * const stream = await connect("ws://127.0.0.1:8080/chat", { protocols: ["chat.v2"] });
 * await stream.send("hello");
 * for await (const message of stream) console.log(message);
 * ```
 */
export function connect(url: string | URL, options: ConnectOptions = {}): Promise<WebSocketMessageStream> {
  let target: Target;
  let handshake: ReturnType<typeof createClientHandshake>;
  let timeout: number;
  let keepAlive: ReturnType<typeof keepAliveSettings>;
  try {
    target = parseTarget(url);
    timeout = timeoutOption("handshakeTimeout", options.handshakeTimeout, DEFAULT_HANDSHAKE_TIMEOUT);
    keepAlive = keepAliveSettings(options.keepAlive);
    websocketFraming(framingOptions(options)); // bad framing options fail before connecting
    handshake = createClientHandshake({
      host: target.host,
      path: target.path,
      protocols: options.protocols,
      deflate: options.deflate,
      headers: requestHeaders(options.headers, target.authorization),
      sha1: nodeSha1,
    });
  } catch (error) {
    return Promise.reject(error);
  }

  return new Promise((resolve, reject) => {
    const where = `${target.secure ? "wss" : "ws"}://${target.host}`;
    const socket = target.secure
      ? tls.connect({
          servername: net.isIP(target.hostname) ? undefined : target.hostname,
          ALPNProtocols: ["http/1.1"],
          ...options.tls,
          host: target.hostname,
          port: target.port,
        })
      : net.connect({ host: target.hostname, port: target.port, allowHalfOpen: true });
    const reader = new HttpHeadReader("response", options.maxHeaderSize);
    let connected = false;
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const cleanup = () => {
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      socket.off("data", onData);
      socket.off("error", onError);
      socket.off("close", onClose);
      socket.off(target.secure ? "secureConnect" : "connect", onConnect);
    };
    const fail = (error: FramedError) => {
      if (settled) return;
      cleanup();
      socket.on("error", () => {}); // late errors of a socket we are discarding
      socket.destroy();
      reject(error);
    };
    const onConnect = () => {
      connected = true;
      socket.write(handshake.request);
    };
    const onError = (error: Error) => {
      const code = connected ? "CONNECTION_RESET" : "CONNECT_FAILED";
      fail(new FramedError(code, `WebSocket connection to ${where} failed: ${error.message}`, { cause: error }));
    };
    const onClose = () => {
      fail(
        new FramedError("HANDSHAKE_FAILED", `${where} closed the connection before completing the WebSocket handshake`),
      );
    };
    const onData = (chunk: Buffer) => {
      if (settled) return;
      let result: ReturnType<typeof validateUpgradeResponse>;
      let rest: Uint8Array;
      try {
        const head = reader.push(chunk);
        if (!head) return;
        rest = head.rest;
        result = validateUpgradeResponse(parseResponseHead(head.text), handshake, rest);
      } catch (error) {
        fail(
          error instanceof FramedError ? error : new FramedError("HANDSHAKE_FAILED", String(error), { cause: error }),
        );
        return;
      }
      cleanup();
      // Still inside this 'data' event: wrap adds its listener before the socket emits anything else.
      const framing = websocketFraming({ ...framingOptions(options), deflate: result.deflate });
      const inner = wrap(socket, framing, { ...streamOptions(options), role: "client", head: rest });
      const stream = new WebSocketStream(inner, result);
      if (keepAlive) startKeepAlive(socket, () => stream.ping(), keepAlive);
      resolve(stream);
    };

    socket.on(target.secure ? "secureConnect" : "connect", onConnect);
    socket.on("data", onData);
    socket.on("error", onError);
    socket.on("close", onClose);
    if (timeout > 0) {
      timer = setTimeout(
        () => fail(new FramedError("TIMEOUT", `no WebSocket handshake response from ${where} within ${timeout} ms`)),
        timeout,
      );
    }
  });
}
