/**
 * framed's own WebSocket client on Bun's own sockets: `connect("ws://…" | "wss://…")` dials with `Bun.connect`
 * (TLS for `wss:`), sends the upgrade request, checks the 101 with the sans-I/O handshake, and puts core's Bun
 * transport under a WebSocket stream. The same flow, options and errors as the Node and Deno `connect`.
 */
import { type ConnectTlsOptions, FramedError } from "@framed/core";
import type { BunSocket, BunSocketData } from "@framed/core/bun";
import { ClientConnect } from "../adapter/client-connect.ts";
import { openingDeadline, type StreamOpening } from "../adapter/open-stream.ts";
import type { ClientOptions } from "../adapter/options.ts";
import { parseTarget } from "../adapter/target.ts";
import type { WebSocketMessageStream } from "../adapter/websocket-connection.ts";
import { nodeSha1 } from "../node/upgrade.ts";
import { bunRuntime } from "./bun-api.ts";
import { bunSocketStream } from "./socket-stream.ts";

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
  const handshake = new ClientConnect(target, options, nodeSha1);
  const { where } = handshake;

  return new Promise<WebSocketMessageStream>((resolve, reject) => {
    let settled = false;
    let socket: BunSocket<BunSocketData> | undefined;
    const fail = (error: FramedError) => {
      if (settled) return;
      settled = true;
      clock?.stop();
      socket?.terminate();
      reject(error);
    };
    const clock = openingDeadline(handshake, () => fail(handshake.expire()));
    const sendRequest = (opened: BunSocket<BunSocketData>) => {
      if (opened.write(handshake.request) !== handshake.request.length) {
        fail(new FramedError("CONNECTION_RESET", `${where} did not take the WebSocket upgrade request`));
      }
    };
    const onHead = (opened: BunSocket<BunSocketData>, bytes: Uint8Array) => {
      let opening: StreamOpening | undefined;
      try {
        opening = handshake.receive(bytes);
      } catch (error) {
        fail(error as FramedError);
        return;
      }
      if (!opening) return;
      settled = true;
      clock?.stop();
      resolve(bunSocketStream(opened, opening));
    };
    const closedEarly = () => fail(handshake.closedEarly());
    bunRuntime()
      .connect<BunSocketData>({
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
            transport.onData(bytes);
          },
          drain: (opened) => opened.data.transport?.onDrain(),
          end(opened) {
            if (opened.data.transport) opened.data.transport.onEnd();
            else closedEarly();
          },
          error: (opened, error) => opened.data.transport?.onError(error),
          close(opened, error) {
            if (opened.data.transport) opened.data.transport.onClose(error);
            else closedEarly();
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
