// The idle-connection client of the memory bench: opens N connections (a WebSocket upgrade on each with
// --handshake), prints one JSON line { open }, then holds them until its stdin closes or SIGTERM.
//
//   node idle-client.mjs --port P --conns N [--handshake]
import * as net from "node:net";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    conns: { type: "string" },
    handshake: { type: "boolean", default: false },
  },
});
const port = Number(values.port);
const conns = Number(values.conns);

process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
process.on("SIGTERM", () => process.exit(0));

function openIdle() {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    socket.once("error", reject);
    socket.once("connect", () => {
      if (!values.handshake) return resolve(socket);
      socket.write(
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
      );
      let head = "";
      socket.on("data", function onData(chunk) {
        head += chunk;
        if (!head.includes("\r\n\r\n")) return;
        socket.off("data", onData);
        if (head.startsWith("HTTP/1.1 101")) resolve(socket);
        else reject(new Error(`handshake refused: ${head.split("\r\n")[0]}`));
      });
    });
  });
}

const sockets = [];
try {
  for (let opened = 0; opened < conns; opened += 100) {
    sockets.push(...(await Promise.all(Array.from({ length: Math.min(100, conns - opened) }, openIdle))));
  }
} catch (error) {
  console.log(JSON.stringify({ error: `opened ${sockets.length} of ${conns}: ${error.message}` }));
  process.exit(2);
}
for (const socket of sockets) socket.on("error", () => {});
console.log(JSON.stringify({ open: sockets.length }));
