// framed on Deno: @framed/websocket/deno echo (`stream.consume`, as on Node), no permessage-deflate.
// Written against the shared adapter shape (listen(address, onStream, options) → { address }).
import { listen } from "@framed/websocket/deno";
import { announce, echoHandler, MAX_MESSAGE_SIZE, portArg } from "./serve.deno.ts";

const server = await listen({ hostname: "127.0.0.1", port: portArg() }, echoHandler(), {
  maxMessageSize: MAX_MESSAGE_SIZE,
});
announce(server.address.port);
