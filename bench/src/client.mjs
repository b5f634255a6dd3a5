// The load client: C connections, each keeping N pre-encoded messages in flight, counting replies by
// header only. Prints one JSON line: { messages, seconds, messagesPerSecond }.
// Usage: node client.mjs --port P --kind lp-varint|lp-u32|newline|ws --size S --conns C --inflight N --duration MS --warmup MS
import * as net from "node:net";
import { parseArgs } from "node:util";
import { encodeFrame, replyCounter } from "./wire.mjs";

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    kind: { type: "string" },
    size: { type: "string" },
    conns: { type: "string", default: "1" },
    inflight: { type: "string", default: "256" },
    duration: { type: "string", default: "3000" },
    warmup: { type: "string", default: "500" },
  },
});
const port = Number(values.port);
const kind = values.kind;
const size = Number(values.size);
const conns = Number(values.conns);
const inflight = Number(values.inflight);
const frame = encodeFrame(kind, size);
const burst = Buffer.concat(Array.from({ length: inflight }, () => frame));

let total = 0;
const sockets = [];

function refill(socket, count) {
  while (count > 0) {
    const n = Math.min(count, inflight);
    socket.write(n === inflight ? burst : burst.subarray(0, n * frame.length));
    count -= n;
  }
}

async function open() {
  const socket = net.connect({ port, host: "127.0.0.1", noDelay: true });
  socket.setNoDelay(true);
  await new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  socket.on("error", () => {});
  const count = replyCounter(kind);
  const start = () => {
    socket.on("data", (chunk) => {
      const done = count(chunk);
      if (done > 0) {
        total += done;
        refill(socket, done);
      }
    });
    socket.write(burst);
  };
  if (kind !== "ws") return (start(), socket);
  socket.write(
    "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
  );
  let head = Buffer.alloc(0);
  await new Promise((resolve, reject) => {
    const onData = (chunk) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end === -1) return;
      socket.off("data", onData);
      if (!head.subarray(0, 12).toString().includes("101"))
        reject(new Error(`handshake refused: ${head.subarray(0, end)}`));
      else resolve();
    };
    socket.on("data", onData);
  });
  start();
  return socket;
}

for (let opened = 0; opened < conns; opened += 50) {
  const batch = await Promise.all(Array.from({ length: Math.min(50, conns - opened) }, open));
  sockets.push(...batch);
}
await new Promise((resolve) => setTimeout(resolve, Number(values.warmup)));
const startCount = total;
const started = performance.now();
await new Promise((resolve) => setTimeout(resolve, Number(values.duration)));
const messages = total - startCount;
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ messages, seconds, messagesPerSecond: Math.round(messages / seconds) }));
for (const socket of sockets) socket.destroy();
process.exit(0);
