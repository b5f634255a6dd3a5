/**
 * framed's own WebSocket client on Bun's own sockets: `connect("ws://…" | "wss://…")` dials with `Bun.connect`
 * (TLS for `wss:`), sends the upgrade request, checks the 101 with the sans-I/O handshake, and puts core's Bun
 * transport under a WebSocket stream. The same flow, options and errors as the Node and Deno `connect`.
 */
import { type ConnectTlsOptions, FramedError } from "@framed/core";
import { type BunSocket, type BunSocketData, BunSocketTransport } from "@framed/core/bun";
import { startKeepAliveClock } from "../adapter/keep-alive.ts";
import {
  type ClientOptions,
  DEFAULT_HANDSHAKE_TIMEOUT,
  framingOptions,
  keepAliveSettings,
  streamOptions,
  timeoutOption,
} from "../adapter/options.ts";
import { parseTarget, requestHeaders } from "../adapter/target.ts";
import { type WebSocketMessageStream, WebSocketStream } from "../adapter/websocket-stream.ts";
import { createClientHandshake, validateUpgradeResponse } from "../handshake/client-handshake.ts";
import { HttpHeadReader, parseResponseHead } from "../handshake/http-head.ts";
import { websocket } from "../index.ts";
import { nodeSha1 } from "../node/upgrade.ts";
import { bunRuntime } from "./bun-api.ts";

/** Options of the Bun `connect`. */
export interface BunConnectOptions extends ClientOptions {
  /** TLS for `wss:`, as core's `connect` takes it: `ca` adds PEM certificates to trust (a self-signed server's). */
  tls?: Pick<ConnectTlsOptions, "ca">;
  /**
   * PEM certificates to trust for `wss:` besides the system's.
   *
   * @deprecated Use `tls: { ca }`, the one TLS option across packages and runtimes. The top-level `ca` goes
   * away in the next minor version.
   */
  ca?: string | string[];
}

interface ClientSocketData extends BunSocketData {
  lastSeen?: number;
}

/**
 * Open a WebSocket connection on Bun's own sockets, permessage-deflate offered by default. Resolves once the
 * server's 101 is checked; a refusal rejects with `HANDSHAKE_FAILED` carrying the HTTP `status`, a slow server
 * with `TIMEOUT`, an unreachable one (or a refused certificate) with `CONNECT_FAILED`.
 *
 * @example
 * ```ts
 * import { connect } from "@framed/websocket/bun";
 * const stream = await connect("ws://127.0.0.1:8080/chat", { protocols: ["chat.v2"] });
 * await stream.send("hello");
 * ```
 */
export async function connect(url: string | URL, options: BunConnectOptions = {}): Promise<WebSocketMessageStream> {
  const target = parseTarget(url);
  const timeout = timeoutOption("handshakeTimeout", options.handshakeTimeout, DEFAULT_HANDSHAKE_TIMEOUT);
  const keepAlive = keepAliveSettings(options.keepAlive);
  const framing = framingOptions(options);
  websocket(framing); // bad framing options fail before connecting
  const handshake = createClientHandshake({
    host: target.host,
    path: target.path,
    protocols: options.protocols,
    deflate: options.deflate,
    headers: requestHeaders(options.headers, target.authorization),
    sha1: nodeSha1,
  });
  const where = `${target.secure ? "wss" : "ws"}://${target.host}`;
  const reader = new HttpHeadReader("response", options.maxHeaderSize);

  return new Promise<WebSocketMessageStream>((resolve, reject) => {
    let settled = false;
    let socket: BunSocket<ClientSocketData> | undefined;
    const fail = (error: FramedError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket?.terminate();
      reject(error);
    };
    const timer =
      timeout > 0
        ? setTimeout(
            () =>
              fail(new FramedError("TIMEOUT", `no WebSocket handshake response from ${where} within ${timeout} ms`)),
            timeout,
          )
        : undefined;
    const sendRequest = (opened: BunSocket<ClientSocketData>) => {
      if (opened.write(handshake.request) !== handshake.request.length) {
        fail(new FramedError("CONNECTION_RESET", `${where} did not take the WebSocket upgrade request`));
      }
    };
    const onHead = (opened: BunSocket<ClientSocketData>, bytes: Uint8Array) => {
      let head: ReturnType<HttpHeadReader["push"]>;
      let result: ReturnType<typeof validateUpgradeResponse>;
      try {
        head = reader.push(bytes);
        if (!head) return;
        result = validateUpgradeResponse(parseResponseHead(head.text), handshake, head.rest);
      } catch (error) {
        fail(
          error instanceof FramedError
            ? error
            : new FramedError("HANDSHAKE_FAILED", `bad handshake response from ${where}: ${(error as Error).message}`),
        );
        return;
      }
      settled = true;
      clearTimeout(timer);
      const transport = new BunSocketTransport(opened, streamOptions(options));
      opened.data.transport = transport;
      const stream = new WebSocketStream(
        {
          transport,
          framing: websocket({ ...framing, deflate: result.deflate }),
          role: "client",
          options: streamOptions(options),
          head: head.rest,
        },
        result,
      );
      if (keepAlive) {
        opened.data.lastSeen = Date.now();
        const stop = startKeepAliveClock(
          { lastSeen: () => opened.data.lastSeen ?? 0, paused: () => transport.paused, gone: () => false },
          () => stream.ping(),
          (error) => transport.destroy(error),
          keepAlive,
        );
        stream.closed.then(stop, stop);
      }
      resolve(stream);
    };
    bunRuntime()
      .connect<ClientSocketData>({
        hostname: target.hostname,
        port: target.port,
        allowHalfOpen: true,
        data: {},
        ...(target.secure ? { tls: { serverName: target.hostname, ...trusting(options.tls?.ca ?? options.ca) } } : {}),
        socket: {
          // Over TLS the request waits for the handshake, so a refused certificate is CONNECT_FAILED.
          open: (opened) => (target.secure ? undefined : sendRequest(opened)),
          handshake(opened, success, authorizationError) {
            if (success && !authorizationError) sendRequest(opened);
            else fail(connectFailed(where, authorizationError ?? new Error("TLS handshake failed")));
          },
          data(opened, bytes) {
            const transport = opened.data.transport;
            if (!transport) return onHead(opened, bytes);
            if (opened.data.lastSeen !== undefined) opened.data.lastSeen = Date.now();
            transport.onData(bytes);
          },
          drain: (opened) => opened.data.transport?.onDrain(),
          end(opened) {
            if (opened.data.transport) opened.data.transport.onEnd();
            else
              fail(
                new FramedError(
                  "HANDSHAKE_FAILED",
                  `${where} closed the connection before completing the WebSocket handshake`,
                ),
              );
          },
          error: (opened, error) => opened.data.transport?.onError(error),
          close(opened, error) {
            if (opened.data.transport) opened.data.transport.onClose(error);
            else
              fail(
                new FramedError(
                  "HANDSHAKE_FAILED",
                  `${where} closed the connection before completing the WebSocket handshake`,
                ),
              );
          },
        },
      })
      .then(
        (opened) => {
          socket = opened;
          if (settled && opened.data.transport === undefined) opened.terminate();
        },
        (error: Error) => fail(connectFailed(where, error)),
      );
  });
}

function connectFailed(where: string, error: Error): FramedError {
  return new FramedError("CONNECT_FAILED", `WebSocket connection to ${where} failed: ${error.message}`, {
    cause: error,
  });
}

function trusting(ca: string | string[] | undefined): { ca?: string | string[] } {
  return ca === undefined ? {} : { ca };
}
