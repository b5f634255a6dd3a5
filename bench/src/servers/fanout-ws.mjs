// Fan-out server, `ws`: the usual loop over `wss.clients` (ws#617's answer). A client on /control sends
// `go N` to have N 64-byte messages broadcast.
import { createRequire } from "node:module";
import { WebSocketServer } from "ws";
import { announce, portArg } from "./serve.mjs";

// ws loads bufferutil only if it resolves from ws's own folder; fail loudly rather than measure without it.
createRequire(createRequire(import.meta.url).resolve("ws"))("bufferutil");

const payload = Buffer.alloc(64, 42);
const subscribers = new Set();

async function publish(count) {
  for (let i = 0; i < count; i++) {
    for (const client of subscribers) client.send(payload, { binary: true });
    if (i % 32 === 31) await new Promise((resolve) => setImmediate(resolve));
  }
}

const server = new WebSocketServer({ host: "127.0.0.1", port: portArg() }, () => announce(server.address().port));
server.on("connection", (socket, request) => {
  socket.on("error", () => {});
  if (request.url === "/control") {
    socket.on("message", (data) => publish(Number(String(data).split(" ")[1])));
    return;
  }
  subscribers.add(socket);
  socket.on("close", () => subscribers.delete(socket));
});
