// Fan-out server, Bun's native WebSocket topics: `ws.subscribe(topic)` and `server.publish(topic, data)`, run
// by the `bun` npm package. A client on /control sends `go N` to have N 64-byte messages published. Bun runs
// this file, so it announces itself here rather than through serve.mjs.
const payload = new Uint8Array(64).fill(42);

async function publish(server, count) {
  for (let i = 0; i < count; i++) {
    server.publish("fanout", payload);
    if (i % 32 === 31) await new Promise((resolve) => setImmediate(resolve));
  }
}

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: Number(process.argv[2] ?? 0),
  fetch(request, server) {
    const control = new URL(request.url).pathname === "/control";
    if (server.upgrade(request, { data: { control } })) return undefined;
    return new Response("WebSocket only", { status: 400 });
  },
  websocket: {
    open(ws) {
      if (!ws.data.control) ws.subscribe("fanout");
    },
    message(ws, message) {
      if (ws.data.control) publish(server, Number(String(message).split(" ")[1]));
    },
  },
});
console.log(`listening ${server.port}`);
process.on("SIGTERM", () => process.exit(0));
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
process.on("SIGUSR2", () => {
  Bun.gc(true);
  const { heapUsed, external } = process.memoryUsage();
  console.log(JSON.stringify({ memory: { heapUsed, external } }));
});
