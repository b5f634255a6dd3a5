// framed: @framed/websocket/node without permessage-deflate (ws's default too), for await + await send.
import { listen } from "@framed/websocket/node";
import { announce, portArg } from "./serve.mjs";

const server = await listen(
  { host: "127.0.0.1", port: portArg() },
  async (stream) => {
    try {
      for await (const message of stream) await stream.send(message);
    } catch {}
  },
  { maxMessageSize: 64 * 1024 * 1024 },
);
announce(server.address.port, () => server.close());
