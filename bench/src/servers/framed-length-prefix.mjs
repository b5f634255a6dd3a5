// framed: @framed/length-prefix/node as a user writes it (for await + await send). Args: [port] [header].
import { announce, importBuilt, MAX_MESSAGE_SIZE, portArg } from "./serve.mjs";

const { listen } = await importBuilt("@framed/length-prefix/node");
const header = process.argv[3] ?? "varint";
const server = await listen(
  { host: "127.0.0.1", port: portArg() },
  async (stream) => {
    try {
      for await (const message of stream) await stream.send(message);
    } catch {}
  },
  { header, maxMessageSize: MAX_MESSAGE_SIZE },
);
announce(server.address.port);
