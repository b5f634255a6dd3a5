// The ceiling: a TCP echo with no framing at all. It buffers up to 1 MiB of replies before it stops reading,
// the same allowance framed's Node transport has; `socket.pipe(socket)` stops at 16 KiB and is up to 2×
// slower at 64 KiB messages, which would make a low ceiling.
import * as net from "node:net";
import { announce, portArg } from "./serve.mjs";

const WRITE_BUFFER_LIMIT = 1024 * 1024;

const server = net.createServer({ noDelay: true }, (socket) => {
  socket.on("error", () => {});
  socket.on("data", (chunk) => {
    if (!socket.write(chunk) && socket.writableLength >= WRITE_BUFFER_LIMIT) socket.pause();
  });
  socket.on("drain", () => socket.resume());
});
server.listen(portArg(), "127.0.0.1", () => announce(server.address().port));
