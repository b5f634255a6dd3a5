// Peer: length-prefixed-stream (varint), socket → decode → encode → socket.
import * as net from "node:net";
import lpstream from "length-prefixed-stream";
import { announce, portArg } from "./serve.mjs";

const server = net.createServer({ noDelay: true }, (socket) => {
  socket.on("error", () => {});
  const decode = lpstream.decode({ limit: 64 * 1024 * 1024 });
  const encode = lpstream.encode();
  socket.pipe(decode).pipe(encode).pipe(socket);
});
server.listen(portArg(), "127.0.0.1", () => announce(server.address().port));
