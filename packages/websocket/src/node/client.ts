/**
 * The Node WebSocket client: `connect("ws://…" | "wss://…")` opens TCP or TLS, sends the upgrade
 * request, checks the 101 with the sans-I/O handshake, and wraps the socket as a WebSocket stream.
 */
import * as net from "node:net";
import * as tls from "node:tls";
import { FramedError } from "@framed/core";
import { parseTarget, requestHeaders, type Target } from "../adapter/target.ts";
import type { WebSocketMessageStream } from "../adapter/websocket-stream.ts";
import { createClientHandshake, validateUpgradeResponse } from "../handshake/client-handshake.ts";
import { HttpHeadReader, parseResponseHead } from "../handshake/http-head.ts";
import { websocket } from "../index.ts";
import { connectHttp2 } from "./http2-client.ts";
import { startKeepAlive } from "./keep-alive.ts";
import {
  type ConnectOptions,
  DEFAULT_HANDSHAKE_TIMEOUT,
  framingOptions,
  keepAliveSettings,
  streamOptions,
  timeoutOption,
} from "./options.ts";
import { socketStream } from "./socket-stream.ts";
import { nodeSha1 } from "./upgrade.ts";

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
 *
 * // Over HTTP/2 (RFC 8441), many WebSockets sharing one connection:
 * const pool = new Http2SessionPool();
 * const feed = await connect("wss://example.com/feed", { http2: pool });
 * ```
 */
export function connect(url: string | URL, options: ConnectOptions = {}): Promise<WebSocketMessageStream> {
  if (options.http2) {
    let target: Target;
    try {
      target = parseTarget(url);
    } catch (error) {
      return Promise.reject(error);
    }
    const headers = requestHeaders(options.headers, target.authorization);
    return connectHttp2(target, { ...options, headers }, (tls) => connect(url, { ...options, tls, http2: false }));
  }
  let target: Target;
  let handshake: ReturnType<typeof createClientHandshake>;
  let timeout: number;
  let keepAlive: ReturnType<typeof keepAliveSettings>;
  try {
    target = parseTarget(url);
    timeout = timeoutOption("handshakeTimeout", options.handshakeTimeout, DEFAULT_HANDSHAKE_TIMEOUT);
    keepAlive = keepAliveSettings(options.keepAlive);
    websocket(framingOptions(options)); // bad framing options fail before connecting
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
      socket.off("end", onClose);
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
    // On 'end' too: the socket is half-open, so a server that hangs up (a plain TCP or length-prefix server)
    // sends an EOF that would otherwise leave us waiting for the whole handshake timeout.
    const onClose = () => {
      const received = reader.buffered;
      fail(
        new FramedError(
          "HANDSHAKE_FAILED",
          received === 0
            ? `${where} closed the connection without answering the WebSocket upgrade request (is it a WebSocket server?)`
            : `${where} closed the connection after ${received} bytes that are not a complete HTTP response to the WebSocket upgrade request (is it a WebSocket server?)`,
        ),
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
      // Still inside this 'data' event: the stream adds its listener before the socket emits anything else.
      const framing = websocket({ ...framingOptions(options), deflate: result.deflate });
      const stream = socketStream(
        socket,
        { framing, role: "client", options: streamOptions(options), head: rest },
        { ...result, upgradeResponse: result.response },
      );
      if (keepAlive) startKeepAlive(socket, () => stream.heartbeat(), keepAlive);
      resolve(stream);
    };

    socket.on(target.secure ? "secureConnect" : "connect", onConnect);
    socket.on("data", onData);
    socket.on("error", onError);
    socket.on("close", onClose);
    socket.on("end", onClose);
    if (timeout > 0) {
      timer = setTimeout(
        () => fail(new FramedError("TIMEOUT", `no WebSocket handshake response from ${where} within ${timeout} ms`)),
        timeout,
      );
    }
  });
}
