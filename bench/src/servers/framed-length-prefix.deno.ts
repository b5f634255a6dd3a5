// framed on Deno: @framed/length-prefix/deno as a user writes it (for await + await send). Args: [port] [header].
import { listen } from "@framed/length-prefix/deno";
import { announce, headerArg, MAX_MESSAGE_SIZE, portArg } from "./serve.deno.ts";

const server = await listen(
  { hostname: "127.0.0.1", port: portArg() },
  async (stream) => {
    try {
      for await (const message of stream) await stream.send(message);
    } catch {
      // A client that goes away mid-run is expected.
    }
  },
  { header: headerArg() as "varint", maxMessageSize: MAX_MESSAGE_SIZE },
);
announce(server.address.port);
