// Fan-out benchmark: one publisher, 1,000 WebSocket subscribers, 64-byte messages; deliveries per second of
// @framed/topics against `ws` with the usual loop over its clients and against Bun's native `server.publish`
// (the `bun` npm package; skipped when it is not installed), paired round by round in one run; then
// @framed/topics across two processes through a redis-server the bench starts; and each server's heap per
// subscriber (heapUsed + external after a GC, with 1,000 subscribers connected, minus before).
//
//   node bench/src/fanout.mjs [--subscribers 1000] [--messages 2000] [--rounds 3]
//
// Subscribers are raw TCP sockets in this process that do the opening handshake and then only count bytes:
// every delivery is one 66-byte server frame (2-byte header, 64-byte payload), so a round is done when each
// socket has read messages × 66 bytes.
import { once } from "node:events";
import { existsSync } from "node:fs";
import * as net from "node:net";
import { join } from "node:path";
import { parseArgs } from "node:util";
import WebSocket from "ws";
import { benchRoot, startServer, withFileLimit } from "./processes.mjs";
import { startRedisServer } from "./redis.mjs";

const FRAME = 66;
const servers = [
  { id: "framed-topics", script: "bench/src/servers/fanout-framed.mjs" },
  { id: "ws-loop", script: "bench/src/servers/fanout-ws.mjs" },
  { id: "bun-publish", script: "bench/src/servers/fanout-bun.mjs", runtime: "bun" },
];

/**
 * The `bun` npm package's binary (a devDependency of the bench), or undefined when it is not installed. The
 * binary itself, not the `.bin/bun` shell shim: signals (the memory reading) must reach Bun.
 */
function bunBinary() {
  const bin = join(benchRoot, "node_modules", "bun", "bin", "bun.exe");
  return existsSync(bin) ? bin : undefined;
}

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

/** Ask a server process for its memory (after a GC: the servers run with --expose-gc). */
async function memoryOf(server) {
  const reply = server.nextJsonLine(60_000);
  process.kill(server.pid, "SIGUSR2");
  return (await reply).memory;
}

/** Wait (bounded) until `count` connections subscribed to the fan-out topic's channel on Redis. */
async function untilSubscribedOnRedis(url, count) {
  const port = Number(new URL(url).port);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const reply = await new Promise((resolve) => {
      const socket = net.connect({ port, host: "127.0.0.1" });
      socket.on("connect", () => socket.write("PUBSUB SHARDNUMSUB framed:topics:fanout\r\n"));
      socket.on("data", (data) => {
        resolve(data.toString());
        socket.destroy();
      });
      socket.on("error", () => resolve(""));
    });
    if (Number(/:(\d+)\r\n$/.exec(reply)?.[1] ?? 0) >= count) return;
    if (Date.now() > deadline) throw new Error("the fan-out server did not subscribe on Redis within 10 s");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * One round: subscribers on `fanOut`, the control client on `publisher` (the same server, or another process
 * sharing a Redis). Returns deliveries per second and the fan-out server's memory per subscriber.
 */
async function round({ fanOut, publisher, redisUrl }, subscribers, messages) {
  // announce() prints `listening` before it installs its SIGUSR2 handler: give it a moment.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const before = await memoryOf(fanOut);
  const { sockets, state } = await subscribe(fanOut.port, subscribers);
  if (redisUrl) await untilSubscribedOnRedis(redisUrl, 1);
  const control = new WebSocket(`ws://127.0.0.1:${publisher.port}/control`);
  await once(control, "open");
  // Let the server see every subscription before publishing.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const after = await memoryOf(fanOut);
  const bytesPerSubscriber = (after.heapUsed + after.external - before.heapUsed - before.external) / subscribers;
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
  const deliveriesPerSecond = outcome === "timeout" ? 0 : (messages * subscribers) / seconds;
  return { deliveriesPerSecond, seconds, bytesPerSubscriber };
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
  const samples = Object.fromEntries([...servers.map((s) => s.id), "framed-topics-redis"].map((id) => [id, []]));
  const memory = Object.fromEntries(Object.keys(samples).map((id) => [id, []]));
  const bun = bunBinary();
  if (bun === undefined) console.error("fan-out: Bun's native publish skipped (the bun npm package is not installed)");
  const measured = servers.filter((server) => server.runtime !== "bun" || bun !== undefined);
  const start = (script, extra = [], runtime = "node") => {
    const runner = runtime === "bun" ? [bun, [script]] : [process.execPath, ["--expose-gc", script]];
    const { command, args } = withFileLimit(subscribers + 256, runner[0], [...runner[1], "0", ...extra]);
    return startServer(command, args);
  };
  for (let r = 0; r < rounds; r++) {
    for (const { id, script, runtime } of r % 2 === 0 ? measured : [...measured].reverse()) {
      const server = await start(script, [], runtime);
      try {
        const result = await round({ fanOut: server, publisher: server }, subscribers, messages);
        samples[id].push(result.deliveriesPerSecond);
        memory[id].push(result.bytesPerSubscriber);
      } finally {
        await server.stop();
      }
    }
  }
  // Across two processes through Redis: one publishes, the other fans out to the subscribers.
  let redis;
  try {
    redis = await startRedisServer();
  } catch (error) {
    console.error(`fan-out through Redis skipped: ${error.message}`);
  }
  for (let r = 0; redis && r < rounds; r++) {
    const fanOut = await start(servers[0].script, [redis.url]);
    const publisher = await start(servers[0].script, [redis.url]);
    try {
      const result = await round({ fanOut, publisher, redisUrl: redis.url }, subscribers, messages);
      samples["framed-topics-redis"].push(result.deliveriesPerSecond);
      memory["framed-topics-redis"].push(result.bytesPerSubscriber);
    } finally {
      await Promise.all([fanOut.stop(), publisher.stop()]);
    }
  }
  await redis?.stop();
  const rows = Object.keys(samples)
    .filter((id) => samples[id].length > 0)
    .map((id) => ({
      id,
      deliveriesPerSecond: median(samples[id]),
      samples: samples[id],
      bytesPerSubscriber: median(memory[id]),
    }));
  const rate = (id) => rows.find((row) => row.id === id)?.deliveriesPerSecond;
  const ratio = rate("framed-topics") / rate("ws-loop");
  const ratioToBun = bun === undefined ? undefined : rate("framed-topics") / rate("bun-publish");
  return { subscribers, messages, rounds, rows, ratio, ratioToBun };
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
    // Bun keeps its sockets in native (uWebSockets) memory, which its JS heap reading does not include.
    const what = row.id === "bun-publish" ? "B JS heap/subscriber (sockets are native)" : "B heap/subscriber";
    const memory = `${Math.round(row.bytesPerSubscriber)} ${what}`;
    console.log(
      `  ${row.id.padEnd(20)} ${(row.deliveriesPerSecond / 1e6).toFixed(2)}M deliveries/s  (${all})  ${memory}`,
    );
  }
  console.log(`  framed-topics / ws-loop: ${result.ratio.toFixed(2)}×`);
  if (result.ratioToBun !== undefined) console.log(`  framed-topics / bun-publish: ${result.ratioToBun.toFixed(2)}×`);
  process.exit(0);
}
