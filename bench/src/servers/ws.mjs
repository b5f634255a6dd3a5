// Peer: the `ws` package (bufferutil installed), the echo from its README.
import { WebSocketServer } from "ws";
import { announce, portArg } from "./serve.mjs";

const server = new WebSocketServer({ host: "127.0.0.1", port: portArg(), maxPayload: 64 * 1024 * 1024 }, () =>
  announce(server.address().port),
);
server.on("connection", (socket) => {
  socket._socket.setNoDelay(true);
  socket.on("message", (data, isBinary) => socket.send(data, { binary: isBinary }));
  socket.on("error", () => {});
});
