// framed: @framed/websocket/node as a user writes it (for await + await send); no permessage-deflate,
// which is also ws's default.
import { announce, importBuilt, MAX_MESSAGE_SIZE, portArg } from "./serve.mjs";

const { listen } = await importBuilt("@framed/websocket/node");
const server = await listen(
  { host: "127.0.0.1", port: portArg() },
  async (stream) => {
    try {
      for await (const message of stream) await stream.send(message);
    } catch {}
  },
  { maxMessageSize: MAX_MESSAGE_SIZE },
);
announce(server.address.port);
