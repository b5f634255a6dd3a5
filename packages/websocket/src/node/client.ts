/**
 * The Node WebSocket client: `connect("ws://…" | "wss://…")` opens TCP or TLS, sends the upgrade
 * request, checks the 101 with the sans-I/O handshake, and wraps the socket as a WebSocket stream.
 */
import * as net from "node:net";
import * as tls from "node:tls";
import { FramedError } from "@framed/core";
import { ClientConnect } from "../adapter/client-connect.ts";
import type { StreamOpening } from "../adapter/open-stream.ts";
import { type OpeningDeadline, openingDeadline } from "../adapter/open-stream.ts";
import { parseTarget, type Target } from "../adapter/target.ts";
import type { WebSocketMessageStream } from "../adapter/websocket-connection.ts";
import { connectHttp2 } from "./http2-client.ts";
import type { ConnectOptions } from "./options.ts";
import { nodeSha1, socketStream } from "./upgrade.ts";

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
  let target: Target;
  try {
    target = parseTarget(url);
  } catch (error) {
    return Promise.reject(error);
  }
  if (options.http2) {
    return connectHttp2(target, options, (tls) => connect(url, { ...options, tls, http2: false }));
  }
  let handshake: ClientConnect;
  try {
    handshake = new ClientConnect(target, options, nodeSha1);
  } catch (error) {
    return Promise.reject(error);
  }

  return new Promise((resolve, reject) => {
    const { where } = handshake;
    const socket = target.secure
      ? tls.connect({
          servername: net.isIP(target.hostname) ? undefined : target.hostname,
          ALPNProtocols: ["http/1.1"],
          ...options.tls,
          host: target.hostname,
          port: target.port,
        })
      : net.connect({ host: target.hostname, port: target.port, allowHalfOpen: true });
    let connected = false;
    let settled = false;
    let clock: OpeningDeadline | undefined;

    const cleanup = () => {
      settled = true;
      clock?.stop();
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
    const onClose = () => fail(handshake.closedEarly());
    const onData = (chunk: Buffer) => {
      if (settled) return;
      let opening: StreamOpening | undefined;
      try {
        opening = handshake.receive(chunk);
      } catch (error) {
        fail(error as FramedError);
        return;
      }
      if (!opening) return;
      cleanup();
      // Still inside this 'data' event: the stream adds its listener before the socket emits anything else.
      resolve(socketStream(socket, opening));
    };

    socket.on(target.secure ? "secureConnect" : "connect", onConnect);
    socket.on("data", onData);
    socket.on("error", onError);
    socket.on("close", onClose);
    socket.on("end", onClose);
    clock = openingDeadline(handshake, () => fail(handshake.expire()));
  });
}
