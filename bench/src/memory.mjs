// Idle memory per open connection: RSS of a server process before and after 5,000 idle connections.
import { readFileSync } from "node:fs";
import * as net from "node:net";
import { fileURLToPath } from "node:url";
import { startServer } from "./processes.mjs";

const CONNECTIONS = 5000;
const server = (file, ...args) => [fileURLToPath(new URL(`./servers/${file}`, import.meta.url)), ...args];

function rssKiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

async function openIdle(port, websocket) {
  const socket = net.connect({ port, host: "127.0.0.1" });
  socket.on("error", () => {});
  await new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  if (websocket) {
    socket.write(
      "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    );
    await new Promise((resolve) => socket.once("data", resolve));
  }
  return socket;
}

async function measureIdle(name, args, websocket) {
  const proc = await startServer(process.execPath, ["--expose-gc", ...args]);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const before = rssKiB(proc.pid);
  const sockets = [];
  for (let i = 0; i < CONNECTIONS; i += 100) {
    sockets.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(100, CONNECTIONS - i) }, () => openIdle(proc.port, websocket)),
      )),
    );
  }
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const after = rssKiB(proc.pid);
  for (const socket of sockets) socket.destroy();
  await proc.stop();
  const perConnection = ((after - before) * 1024) / CONNECTIONS;
  return {
    server: name,
    connections: CONNECTIONS,
    rssBeforeMiB: +(before / 1024).toFixed(1),
    rssAfterMiB: +(after / 1024).toFixed(1),
    bytesPerConnection: Math.round(perConnection),
  };
}

export async function runMemoryBench() {
  const rows = [
    await measureIdle("framed websocket", server("framed-websocket.mjs"), true),
    await measureIdle("ws", server("ws.mjs"), true),
    await measureIdle("framed length-prefix", server("framed-length-prefix.mjs", "0", "uint32be"), false),
    await measureIdle("plain TCP", server("plain-tcp.mjs"), false),
  ];
  console.log(`\nIdle memory (${CONNECTIONS} open connections, server RSS growth per connection):`);
  for (const row of rows)
    console.log(
      `  ${row.server.padEnd(24)} ${row.bytesPerConnection.toLocaleString("en-US").padStart(8)} bytes/connection  (RSS ${row.rssBeforeMiB} → ${row.rssAfterMiB} MiB)`,
    );
  return rows;
}
