// framed on Deno: @framed/newline/deno text-line echo (`stream.consume`, as on Node).
import { listen } from "@framed/newline/deno";
import { announce, echoHandler, MAX_MESSAGE_SIZE, portArg } from "./serve.deno.ts";

const server = await listen({ hostname: "127.0.0.1", port: portArg() }, echoHandler(), {
  maxMessageSize: MAX_MESSAGE_SIZE,
});
announce(server.address.port);
