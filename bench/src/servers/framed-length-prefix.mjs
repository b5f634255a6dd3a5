// framed: @framed/length-prefix/node, written the way its README shows (for await + await send).
import { listen } from "@framed/length-prefix/node";
import { announce, portArg } from "./serve.mjs";

const header = process.argv[3] ?? "varint";
const server = await listen(
  { port: portArg() },
  async (stream) => {
    try {
      for await (const message of stream) await stream.send(message);
    } catch {}
  },
  { header, maxMessageSize: 64 * 1024 * 1024 },
);
announce(server.address.port, () => server.close());
