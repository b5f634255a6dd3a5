// framed: @framed/newline/node text lines as a user writes it (for await + await send).
import { announce, importBuilt, MAX_MESSAGE_SIZE, portArg } from "./serve.mjs";

const { listen } = await importBuilt("@framed/newline/node");
const server = await listen(
  { host: "127.0.0.1", port: portArg() },
  async (stream) => {
    try {
      for await (const line of stream) await stream.send(line);
    } catch {}
  },
  { maxMessageSize: MAX_MESSAGE_SIZE },
);
announce(server.address.port);
