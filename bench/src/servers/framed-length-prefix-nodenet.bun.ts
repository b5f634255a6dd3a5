// framed on Bun over node:net: @framed/length-prefix/node run by Bun, the transport `./bun` replaces; kept to show
// the measurement behind that choice. Args: [port] [header].
import { listen } from "@framed/length-prefix/node";
// @ts-expect-error: a plain .mjs helper without types
import { announce, echoHandler, MAX_MESSAGE_SIZE, portArg } from "./serve.mjs";

const server = await listen({ host: "127.0.0.1", port: portArg() }, echoHandler(), {
  header: (process.argv[3] ?? "varint") as "varint",
  maxMessageSize: MAX_MESSAGE_SIZE,
});
announce(server.address.port);
