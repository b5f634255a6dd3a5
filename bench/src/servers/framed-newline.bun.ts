// framed on Bun: @framed/newline/bun echo over Bun's own sockets (`stream.consume`, as on Node). Args: [port].
import { listen } from "@framed/newline/bun";
// @ts-expect-error: a plain .mjs helper without types
import { announce, echoHandler, MAX_MESSAGE_SIZE, portArg } from "./serve.mjs";

const server = await listen({ hostname: "127.0.0.1", port: portArg() }, echoHandler(), {
  maxMessageSize: MAX_MESSAGE_SIZE,
});
announce(server.address.port);
