// framed on Deno: @framed/newline/deno text lines as a user writes it (for await + await send).
import { listen } from "@framed/newline/deno";
import { announce, MAX_MESSAGE_SIZE, portArg } from "./serve.deno.ts";

const server = await listen(
  { hostname: "127.0.0.1", port: portArg() },
  async (stream) => {
    try {
      for await (const line of stream) await stream.send(line);
    } catch {
      // A client that goes away mid-run is expected.
    }
  },
  { maxMessageSize: MAX_MESSAGE_SIZE },
);
announce(server.address.port);
