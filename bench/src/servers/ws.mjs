// Peer: the `ws` package with bufferutil (native masking), the echo from its README.
import { createRequire } from "node:module";
import { WebSocketServer } from "ws";
import { announce, MAX_MESSAGE_SIZE, portArg } from "./serve.mjs";

// ws loads bufferutil only if it resolves from ws's own folder; fail loudly rather than measure without it.
createRequire(createRequire(import.meta.url).resolve("ws"))("bufferutil");

const server = new WebSocketServer({ host: "127.0.0.1", port: portArg(), maxPayload: MAX_MESSAGE_SIZE }, () =>
  announce(server.address().port),
);
server.on("connection", (socket) => {
  socket._socket.setNoDelay(true);
  socket.on("message", (data, isBinary) => socket.send(data, { binary: isBinary }));
  socket.on("error", () => {});
});
