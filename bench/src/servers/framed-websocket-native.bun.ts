// framed on Bun's own WebSocket server: @framed/websocket/bun `serve` (Bun.serve underneath) echo with
// `stream.consume`; no permessage-deflate. Args: [port].
import { serve } from "@framed/websocket/bun";
// @ts-expect-error: a plain .mjs helper without types
import { announce, echoHandler, MAX_MESSAGE_SIZE, portArg } from "./serve.mjs";

const server = await serve({ hostname: "127.0.0.1", port: portArg() }, echoHandler(), {
  maxMessageSize: MAX_MESSAGE_SIZE,
});
announce(server.address.port);
