// framed: @framed/websocket/node echo; no permessage-deflate, which is also ws's default. Args: [port]
// [for-await]: `stream.consume` by default, a `for await` loop with "for-await" (see framed-length-prefix.mjs).
import { announce, echoHandler, importBuilt, MAX_MESSAGE_SIZE, portArg } from "./serve.mjs";

const { listen } = await importBuilt("@framed/websocket/node");
const server = await listen({ host: "127.0.0.1", port: portArg() }, echoHandler(process.argv[3]), {
  maxMessageSize: MAX_MESSAGE_SIZE,
});
announce(server.address.port);
