// framed on Bun's own WebSocket server: @framed/websocket/bun `serve` (Bun.serve underneath) echo with
// `stream.consume`; no permessage-deflate. Args: [port].
import { serve } from "@framed/websocket/bun";
// @ts-expect-error: a plain .mjs helper without types
import { announce, echoHandler, MAX_MESSAGE_SIZE, portArg } from "./serve.mjs";

const server = await serve({ hostname: "127.0.0.1", port: portArg() }, echoHandler(), {
  maxMessageSize: MAX_MESSAGE_SIZE,
  // The load client keeps up to 64 MiB in flight and Bun reads all of it, paused or not: with the default
  // 4 MiB, a reply waiting for `drain` at 64 KiB × 1 let the held messages pass it and the connection was
  // closed with 1008, the documented policy, instead of measured.
  maxQueuedBytes: 64 * 1024 * 1024,
});
announce(server.address.port);
