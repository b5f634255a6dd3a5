// Peer: it-length-prefixed (libp2p) decoding a socket's async iterator and writing encoded replies.
import * as net from "node:net";
import * as lp from "it-length-prefixed";
import { announce, MAX_MESSAGE_SIZE, portArg } from "./serve.mjs";

const server = net.createServer({ noDelay: true }, async (socket) => {
  socket.on("error", () => {});
  try {
    for await (const message of lp.decode(socket, { maxDataLength: MAX_MESSAGE_SIZE })) {
      if (!socket.write(lp.encode.single(message).subarray()))
        await new Promise((resolve) => socket.once("drain", resolve));
    }
  } catch {}
});
server.listen(portArg(), "127.0.0.1", () => announce(server.address().port));
