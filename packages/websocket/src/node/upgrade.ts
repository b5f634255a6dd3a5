/**
 * The Node side of a handshake's answer, shared by `listen` (net/tls), `attach`/`handleUpgrade` (http servers),
 * HTTP/2 and the clients: SHA-1 through node:crypto, the one timer while `verify` runs behind an HTTP server,
 * carrying out what `ServerAccept` decided (a refusal written and closed, or the 101), and the stream over a
 * socket: core's transport on it, opened by `openWebSocketStream` (keep-alive is an option of its clock).
 */
import * as crypto from "node:crypto";
import type { Duplex } from "node:stream";
import type { FramedError } from "@framed/core";
import { nodeStreamTransport } from "@framed/core/node";
import { openingDeadline, openWebSocketStream, type StreamOpening } from "../adapter/open-stream.ts";
import { type AcceptOutcome, REFUSAL_LINGER_MS, type ServerAccept, wentAway } from "../adapter/server-accept.ts";
import type { WebSocketConnection } from "../adapter/websocket-connection.ts";
import { refusal } from "../handshake/http-response.ts";

export { type UpgradeSettings, upgradeSettings } from "../adapter/server-upgrade.ts";

// `crypto.hash` (Node 20.12+) digests in one call without a Hash object per handshake; older 20.x fall back.
const oneShotHash = (crypto as { hash?: (algorithm: string, data: Uint8Array, encoding: "buffer") => Buffer }).hash;

/** SHA-1 through node:crypto, for Sec-WebSocket-Accept. */
export const nodeSha1 = (bytes: Uint8Array): Uint8Array =>
  oneShotHash ? oneShotHash("sha1", bytes, "buffer") : crypto.createHash("sha1").update(bytes).digest();

/**
 * Refuse a handshake on `socket`: write the response (`response`, or one built from the error's status),
 * close, and return the error to reject with. A socket that is already gone just gets destroyed.
 */
export function refuseHandshake(socket: Duplex, error: FramedError, response?: Uint8Array): FramedError {
  // The socket is being discarded: a late reset must not become an unhandled 'error'.
  socket.on("error", () => {});
  if (socket.writable && !socket.destroyed) {
    socket.end(response ?? refusal(error.status ?? 400, error.message));
    // A client that never reads the refusal must not hold the socket open.
    setTimeout(() => socket.destroy(), REFUSAL_LINGER_MS).unref();
  } else {
    socket.destroy();
  }
  return error;
}

/**
 * Carry out an HTTP/1.1 outcome on `socket`: a refusal is written and thrown (`HANDSHAKE_FAILED` with its
 * status); an acceptance writes the 101 and returns the stream. A client already gone fails `CONNECTION_RESET`.
 */
export function settleUpgrade(socket: Duplex, outcome: AcceptOutcome): WebSocketConnection {
  if ("refusal" in outcome) throw refuseHandshake(socket, outcome.refusal, outcome.response);
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    throw wentAway();
  }
  const { accepted } = outcome;
  socket.write(accepted.response);
  // After verify (or an http server's upgrade) the socket is paused; resume() takes effect on the next tick,
  // after the transport has added its listener, which may pause it again.
  socket.resume();
  return socketStream(socket, accepted.opening);
}

/**
 * Wait for `verify` behind an HTTP server (whose request is already read): nothing is read meanwhile (frames
 * sent eagerly wait in the socket, or in an HTTP/2 stream's flow-control window, until the stream exists), the
 * one timer is the accept's deadline, and the socket (or HTTP/2 stream) closing abandons the wait with
 * `CONNECTION_RESET`.
 */
export function whileVerifying(
  accept: ServerAccept,
  socket: Duplex,
  verifying: Promise<AcceptOutcome>,
): Promise<AcceptOutcome> {
  socket.pause();
  const onClose = () => accept.abandon(wentAway());
  const clock = openingDeadline(accept, () => {
    socket.off("close", onClose);
    accept.expire();
    socket.destroy();
  });
  socket.once("close", onClose);
  const cleanup = () => {
    clock?.stop();
    socket.off("close", onClose);
  };
  verifying.then(cleanup, cleanup);
  return verifying;
}

/**
 * A WebSocket stream over a Node socket or HTTP/2 stream, after its handshake.
 *
 * @example
 * ```ts
 * const stream = socketStream(socket, accepted.opening);
 * ```
 */
export function socketStream(socket: Duplex, opening: StreamOpening): WebSocketConnection {
  const transport = nodeStreamTransport(socket, socket, opening.options);
  return openWebSocketStream(transport, opening);
}
