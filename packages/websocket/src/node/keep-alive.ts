/**
 * Keep-alive for a Node WebSocket connection: the shared keep-alive clock, fed by the socket's
 * `data` events, failing a dead connection by destroying the socket with `TIMEOUT`.
 */
import type { Duplex } from "node:stream";
import { startKeepAliveClock } from "../adapter/keep-alive.ts";
import type { KeepAliveOptions } from "./options.ts";

/**
 * Watch `socket` and ping through `ping` when it has been quiet for `interval` ms. Any received byte
 * (a pong, a message) proves the peer alive, so the hot path pays one assignment per chunk.
 * Stops by itself when the socket closes.
 */
export function startKeepAlive(socket: Duplex, ping: () => void, options: Required<KeepAliveOptions>): void {
  let lastSeen = Date.now();
  const onData = () => {
    lastSeen = Date.now();
  };
  const stopClock = startKeepAliveClock(
    { lastSeen: () => lastSeen, paused: () => socket.isPaused(), gone: () => socket.destroyed },
    ping,
    (error) => {
      stop();
      socket.destroy(error);
    },
    options,
  );
  const stop = () => {
    stopClock();
    socket.off("data", onData);
  };
  socket.on("data", onData);
  socket.once("close", stop);
}
