// framed: @framed/newline/node text lines, for await + await send.
import { listen } from "@framed/newline/node";
import { announce, portArg } from "./serve.mjs";

const server = await listen(
  { port: portArg() },
  async (stream) => {
    try {
      for await (const line of stream) await stream.send(line);
    } catch {}
  },
  { maxMessageSize: 64 * 1024 * 1024 },
);
announce(server.address.port, () => server.close());
