// framed on Deno: @framed/length-prefix/deno echo (`stream.consume`, as on Node). Args: [port] [header].
import { listen } from "@framed/length-prefix/deno";
import { announce, echoHandler, headerArg, MAX_MESSAGE_SIZE, portArg } from "./serve.deno.ts";

const server = await listen({ hostname: "127.0.0.1", port: portArg() }, echoHandler(), {
  header: headerArg() as "varint",
  maxMessageSize: MAX_MESSAGE_SIZE,
});
announce(server.address.port);
