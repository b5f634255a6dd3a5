// Peer: Node's readline over the socket (crlfDelay: Infinity), for await over lines.
import * as net from "node:net";
import * as readline from "node:readline";
import { announce, portArg } from "./serve.mjs";

const server = net.createServer({ noDelay: true }, async (socket) => {
  socket.on("error", () => {});
  const lines = readline.createInterface({ input: socket, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) {
      if (!socket.write(`${line}\n`)) await new Promise((resolve) => socket.once("drain", resolve));
    }
  } catch {}
});
server.listen(portArg(), "127.0.0.1", () => announce(server.address().port));
