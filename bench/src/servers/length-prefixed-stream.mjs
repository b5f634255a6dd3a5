// Peer: length-prefixed-stream (varint), socket → decode → encode → socket.
import * as net from "node:net";
import lpstream from "length-prefixed-stream";
import { announce, MAX_MESSAGE_SIZE, portArg } from "./serve.mjs";

const server = net.createServer({ noDelay: true }, (socket) => {
  socket.on("error", () => {});
  const decode = lpstream.decode({ limit: MAX_MESSAGE_SIZE });
  const encode = lpstream.encode();
  socket.pipe(decode).pipe(encode).pipe(socket);
});
server.listen(portArg(), "127.0.0.1", () => announce(server.address().port));
