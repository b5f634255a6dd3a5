// framed: @framed/websocket/node as a user writes it (for await + await send); no permessage-deflate,
// which is also ws's default. Args: [port] [consume]: with "consume", the handler is
// `stream.consume((message) => stream.send(message))` instead (the memory bench measures both).
import { announce, importBuilt, MAX_MESSAGE_SIZE, portArg } from "./serve.mjs";

const { listen } = await importBuilt("@framed/websocket/node");
const consume = process.argv[3] === "consume";
const server = await listen(
  { host: "127.0.0.1", port: portArg() },
  consume
    ? (stream) => stream.consume((message) => stream.send(message))
    : async (stream) => {
        try {
          for await (const message of stream) await stream.send(message);
        } catch {}
      },
  { maxMessageSize: MAX_MESSAGE_SIZE },
);
announce(server.address.port);
