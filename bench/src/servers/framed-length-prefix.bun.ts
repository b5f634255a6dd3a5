// framed on Bun: @framed/length-prefix/bun echo over Bun's own sockets (`stream.consume`, as on Node). Args: [port] [header].
import { listen } from "@framed/length-prefix/bun";
// @ts-expect-error: a plain .mjs helper without types
import { announce, echoHandler, MAX_MESSAGE_SIZE, portArg } from "./serve.mjs";

const server = await listen({ hostname: "127.0.0.1", port: portArg() }, echoHandler(), {
  header: (process.argv[3] ?? "varint") as "varint",
  maxMessageSize: MAX_MESSAGE_SIZE,
});
announce(server.address.port);
