// framed on Deno: @framed/websocket/deno as a user writes it (for await + await send), no permessage-deflate.
// Written against the shared adapter shape (listen(address, onStream, options) → { address }).
import { listen } from "@framed/websocket/deno";
import { announce, MAX_MESSAGE_SIZE, portArg } from "./serve.deno.ts";

const server = await listen(
  { hostname: "127.0.0.1", port: portArg() },
  async (stream: AsyncIterable<string | Uint8Array> & { send(message: string | Uint8Array): Promise<void> }) => {
    try {
      for await (const message of stream) await stream.send(message);
    } catch {
      // A client that goes away mid-run is expected.
    }
  },
  { maxMessageSize: MAX_MESSAGE_SIZE },
);
announce(server.address.port);
