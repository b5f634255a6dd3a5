// Fan-out benchmark: one publisher, 1,000 WebSocket subscribers, 64-byte messages; deliveries per second of
// @framed/topics against `ws` with the usual loop over its clients, paired round by round in one run.
//
//   node bench/src/fanout.mjs [--subscribers 1000] [--messages 2000] [--rounds 3]
//
// Subscribers are raw TCP sockets in this process that do the opening handshake and then only count bytes:
// every delivery is one 66-byte server frame (2-byte header, 64-byte payload), so a round is done when each
// socket has read messages × 66 bytes.
import { once } from "node:events";
import * as net from "node:net";
import { parseArgs } from "node:util";
import WebSocket from "ws";
import { startServer, withFileLimit } from "./processes.mjs";

const FRAME = 66;
const servers = [
  { id: "framed-topics", script: "bench/src/servers/fanout-framed.mjs" },
  { id: "ws-loop", script: "bench/src/servers/fanout-ws.mjs" },
];

/** Open `count` raw WebSocket connections; resolves with their byte counters once all are upgraded. */
async function subscribe(port, count) {
  const sockets = [];
  const state = { bytes: 0, target: 0, done: undefined };
  const opening = [];
  for (let i = 0; i < count; i++) {
    const socket = net.connect({ port, host: "127.0.0.1" });
    socket.setNoDelay(true);
    sockets.push(socket);
    opening.push(
      new Promise((resolve, reject) => {
        let head = Buffer.alloc(0);
        const onHead = (chunk) => {
          head = Buffer.concat([head, chunk]);
          const end = head.indexOf("\r\n\r\n");
          if (end === -1) return;
          socket.off("data", onHead);
          if (!head.subarray(0, 12).toString().includes("101")) return reject(new Error(head.toString()));
          state.bytes += head.length - end - 4;
          socket.on("data", (data) => {
            state.bytes += data.length;
            if (state.done && state.bytes >= state.target) state.done();
          });
          resolve();
        };
        socket.on("data", onHead);
        socket.once("error", reject);
        socket.write(
          `GET /fanout HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        );
      }),
    );
    // Connect in batches so the server's accept backlog never overflows.
    if (i % 100 === 99) await Promise.all(opening.slice(i - 99));
  }
  await Promise.all(opening);
  return { sockets, state };
}

async function round(server, subscribers, messages) {
  const { sockets, state } = await subscribe(server.port, subscribers);
  const control = new WebSocket(`ws://127.0.0.1:${server.port}/control`);
  await once(control, "open");
  // Let the server see every subscription before publishing.
  await new Promise((resolve) => setTimeout(resolve, 200));
  state.target = state.bytes + messages * subscribers * FRAME;
  const finished = new Promise((resolve) => {
    state.done = resolve;
  });
  const started = performance.now();
  control.send(`go ${messages}`);
  const timeout = new Promise((resolve) => setTimeout(() => resolve("timeout"), 60_000));
  const outcome = await Promise.race([finished, timeout]);
  const seconds = (performance.now() - started) / 1000;
  control.close();
  for (const socket of sockets) socket.destroy();
  if (outcome === "timeout") return { deliveriesPerSecond: 0, seconds, incomplete: true };
  return { deliveriesPerSecond: (messages * subscribers) / seconds, seconds };
}

/** Median of numbers. */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Run the paired fan-out benchmark and return one row per server plus the framed/ws ratio.
 *
 * @example
 * ```js
 * const { rows, ratio } = await runFanoutBench({ subscribers: 1000, messages: 2000, rounds: 3 });
 * ```
 */
export async function runFanoutBench({ subscribers = 1000, messages = 2000, rounds = 3 } = {}) {
  const samples = Object.fromEntries(servers.map((s) => [s.id, []]));
  for (let r = 0; r < rounds; r++) {
    for (const { id, script } of r % 2 === 0 ? servers : [...servers].reverse()) {
      const { command, args } = withFileLimit(subscribers + 256, process.execPath, [script, "0"]);
      const server = await startServer(command, args);
      try {
        const result = await round(server, subscribers, messages);
        samples[id].push(result.deliveriesPerSecond);
      } finally {
        await server.stop();
      }
    }
  }
  const rows = servers.map(({ id }) => ({ id, deliveriesPerSecond: median(samples[id]), samples: samples[id] }));
  const ratio = rows[0].deliveriesPerSecond / rows[1].deliveriesPerSecond;
  return { subscribers, messages, rounds, rows, ratio };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      subscribers: { type: "string", default: "1000" },
      messages: { type: "string", default: "2000" },
      rounds: { type: "string", default: "3" },
    },
  });
  // The client side needs a descriptor per subscriber too.
  const result = await runFanoutBench({
    subscribers: Number(values.subscribers),
    messages: Number(values.messages),
    rounds: Number(values.rounds),
  });
  console.log(
    `fan-out: ${result.messages} × 64 B to ${result.subscribers} WebSocket subscribers, ${result.rounds} rounds`,
  );
  for (const row of result.rows) {
    const all = row.samples.map((s) => `${(s / 1e6).toFixed(2)}M`).join(", ");
    console.log(`  ${row.id.padEnd(14)} ${(row.deliveriesPerSecond / 1e6).toFixed(2)}M deliveries/s  (${all})`);
  }
  console.log(`  framed-topics / ws-loop: ${result.ratio.toFixed(2)}×`);
  process.exit(0);
}
