// Peer: split2 lines, each written back with its newline.
import * as net from "node:net";
import split2 from "split2";
import { announce, MAX_MESSAGE_SIZE, portArg } from "./serve.mjs";

const server = net.createServer({ noDelay: true }, (socket) => {
  socket.on("error", () => {});
  const lines = socket.pipe(split2({ maxLength: MAX_MESSAGE_SIZE }));
  lines.on("data", (line) => {
    if (!socket.write(`${line}\n`)) {
      lines.pause();
      socket.once("drain", () => lines.resume());
    }
  });
});
server.listen(portArg(), "127.0.0.1", () => announce(server.address().port));
