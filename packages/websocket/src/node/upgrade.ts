/**
 * The server side of a Node upgrade, after the request head is read: verify, answer 101 (or refuse),
 * and wrap the socket as a WebSocket stream. Shared by `handleUpgrade` (http servers) and `listen`.
 */
import * as crypto from "node:crypto";
import type { Duplex } from "node:stream";
import { FramedError } from "@framed/core";
import {
  answerUpgrade,
  framingFor,
  requestToKeep,
  type UpgradeSettings,
  verifyUpgrade,
} from "../adapter/server-handshake-driver.ts";
import type { ServerWebSocketStream } from "../adapter/websocket-stream.ts";
import { refusal } from "../handshake/http-response.ts";
import type { UpgradeRequest } from "../handshake/server-handshake.ts";
import { startKeepAlive } from "./keep-alive.ts";
import { socketStream } from "./socket-stream.ts";

export { type UpgradeSettings, upgradeSettings } from "../adapter/server-handshake-driver.ts";

// `crypto.hash` (Node 20.12+) digests in one call without a Hash object per handshake; older 20.x fall back.
const oneShotHash = (crypto as { hash?: (algorithm: string, data: Uint8Array, encoding: "buffer") => Buffer }).hash;

/** SHA-1 through node:crypto, for Sec-WebSocket-Accept. */
export const nodeSha1 = (bytes: Uint8Array): Uint8Array =>
  oneShotHash ? oneShotHash("sha1", bytes, "buffer") : crypto.createHash("sha1").update(bytes).digest();

/**
 * Refuse a handshake on `socket`: write the response, close, and return the error to reject with.
 * A socket that is already gone just gets destroyed.
 */
export function refuseHandshake(socket: Duplex, error: FramedError): FramedError {
  // The socket is being discarded: a late reset must not become an unhandled 'error'.
  socket.on("error", () => {});
  if (socket.writable && !socket.destroyed) {
    socket.end(refusal(error.status ?? 400, error.message));
    // A client that never reads the refusal must not hold the socket open.
    setTimeout(() => socket.destroy(), 1000).unref();
  } else {
    socket.destroy();
  }
  return error;
}

/**
 * Finish an upgrade whose request is valid: run `verify`, write the 101, and wrap the socket with the
 * agreed framing. `head` holds bytes already read past the request head (frames sent eagerly);
 * `headText` is the request head's text, kept instead of the parsed request when no callback saw it.
 * Refusals are written to the socket and thrown (or rejected, after `verify`) as `HANDSHAKE_FAILED`
 * carrying the status; a client that leaves first fails with `CONNECTION_RESET`.
 *
 * Without `verify` it all happens synchronously: no promise per connection. `deadline` is the
 * `Date.now()` by which the 101 must be sent (0: none).
 */
export function completeUpgrade(
  socket: Duplex,
  request: UpgradeRequest,
  head: Uint8Array,
  settings: UpgradeSettings,
  deadline: number,
  headText?: string,
): ServerWebSocketStream | Promise<ServerWebSocketStream> {
  const { verify } = settings.options;
  if (!verify) return finishUpgrade(socket, request, head, settings, headText);
  // Nothing may be read while verify runs: frames sent eagerly wait in the socket until the stream exists.
  socket.pause();
  return verifyUpgrade(request, verify, (verifying) => withDeadline(verifying, deadline, socket)).then((refusal) => {
    if (refusal) throw refuseHandshake(socket, refusal);
    return finishUpgrade(socket, request, head, settings, headText);
  });
}

function finishUpgrade(
  socket: Duplex,
  request: UpgradeRequest,
  head: Uint8Array,
  settings: UpgradeSettings,
  headText: string | undefined,
): ServerWebSocketStream {
  const decision = answerUpgrade(request, settings, nodeSha1);
  if ("refusal" in decision) throw refuseHandshake(socket, decision.refusal);
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    throw new FramedError("CONNECTION_RESET", "the client went away during the WebSocket handshake");
  }
  const answer = decision.handshake;
  socket.write(answer.response);
  // After verify (or an http server's upgrade) the socket is paused; resume() takes effect on the next tick,
  // after wrap has added its listener; wrap may pause again.
  socket.resume();
  const framing = framingFor(settings, answer.deflate);
  const kept = requestToKeep(settings, request, headText);
  const stream = socketStream(socket, { framing, role: "server", options: settings.streamOptions, head }, answer, kept);
  if (settings.keepAlive) startKeepAlive(socket, () => stream.heartbeat(), settings.keepAlive);
  return stream;
}

/** Race `promise` against the handshake deadline and the socket (or HTTP/2 stream) closing. */
export function withDeadline<V>(promise: Promise<V>, deadline: number, socket: Duplex): Promise<V> {
  return new Promise((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onClose = () => {
      cleanup();
      reject(new FramedError("CONNECTION_RESET", "the client went away during the WebSocket handshake"));
    };
    const cleanup = () => {
      if (timer !== undefined) clearTimeout(timer);
      socket.off("close", onClose);
    };
    if (deadline > 0) {
      timer = setTimeout(
        () => {
          cleanup();
          socket.destroy();
          reject(new FramedError("TIMEOUT", "the WebSocket handshake did not complete in time (verify still pending)"));
        },
        Math.max(0, deadline - Date.now()),
      );
    }
    socket.once("close", onClose);
    promise.then(
      (value) => {
        cleanup();
        resolve(value);
      },
      (error) => {
        cleanup();
        reject(error);
      },
    );
  });
}
