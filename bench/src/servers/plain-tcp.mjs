// The ceiling: a TCP echo with no framing at all.
import * as net from "node:net";
import { announce, portArg } from "./serve.mjs";

const server = net.createServer({ noDelay: true }, (socket) => {
  socket.on("data", (chunk) => {
    if (!socket.write(chunk)) socket.pause();
  });
  socket.on("drain", () => socket.resume());
  socket.on("error", () => {});
});
server.listen(portArg(), "127.0.0.1", () => announce(server.address().port));
