// framed on Bun: @framed/websocket/bun `listen`, framed's own WebSocket core, echo with `stream.consume`; no
// permessage-deflate. Args: [port].
import { listen } from "@framed/websocket/bun";
// @ts-expect-error: a plain .mjs helper without types
import { announce, echoHandler, MAX_MESSAGE_SIZE, portArg } from "./serve.mjs";

const server = await listen({ host: "127.0.0.1", port: portArg() }, echoHandler(), {
  maxMessageSize: MAX_MESSAGE_SIZE,
});
announce(server.address.port);
