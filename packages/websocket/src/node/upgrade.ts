/**
 * The server side of a Node upgrade, after the request head is read: verify, answer 101 (or refuse),
 * and wrap the socket as a WebSocket stream. Shared by `handleUpgrade` (http servers) and `listen`.
 */
import { createHash } from "node:crypto";
import type { Duplex } from "node:stream";
import { FramedError } from "@framed/core";
import { wrap } from "@framed/core/node";
import { decideUpgrade, type UpgradeSettings } from "../adapter/server-handshake-driver.ts";
import { type ServerWebSocketStream, WebSocketStream } from "../adapter/websocket-stream.ts";
import { refusal } from "../handshake/http-response.ts";
import type { UpgradeRequest } from "../handshake/server-handshake.ts";
import { websocketFraming } from "../index.ts";
import { startKeepAlive } from "./keep-alive.ts";
import { framingOptions, streamOptions } from "./options.ts";

export { type UpgradeSettings, upgradeSettings } from "../adapter/server-handshake-driver.ts";
/** SHA-1 through node:crypto, for Sec-WebSocket-Accept. */
export const nodeSha1 = (bytes: Uint8Array): Uint8Array => createHash("sha1").update(bytes).digest();

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
 * agreed framing. `head` holds bytes already read past the request head (frames sent eagerly).
 * Refusals are written to the socket and rejected with as `HANDSHAKE_FAILED` carrying the status;
 * a client that leaves first rejects with `CONNECTION_RESET`.
 *
 * `deadline` is the `Date.now()` by which the 101 must be sent (0: none).
 */
export async function completeUpgrade(
  socket: Duplex,
  request: UpgradeRequest,
  head: Uint8Array,
  settings: UpgradeSettings,
  deadline: number,
): Promise<ServerWebSocketStream> {
  const decision = await decideUpgrade(request, settings, nodeSha1, (verifying) =>
    withDeadline(verifying, deadline, socket),
  );
  if ("refusal" in decision) throw refuseHandshake(socket, decision.refusal);
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    throw new FramedError("CONNECTION_RESET", "the client went away during the WebSocket handshake");
  }
  const { options } = settings;
  const answer = decision.handshake;
  socket.write(answer.response);
  const framing = websocketFraming({ ...framingOptions(options), deflate: answer.deflate });
  // resume() takes effect on the next tick, after wrap has added its listener; wrap may pause again.
  socket.resume();
  const inner = wrap(socket, framing, { ...streamOptions(options), role: "server", head });
  const stream = new WebSocketStream(inner, answer, request);
  if (settings.keepAlive) startKeepAlive(socket, () => stream.ping(), settings.keepAlive);
  return stream;
}

/** Race `promise` against the handshake deadline and the socket closing. */
function withDeadline<V>(promise: Promise<V>, deadline: number, socket: Duplex): Promise<V> {
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
