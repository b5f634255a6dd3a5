// WebSocket over HTTP/2 against HTTP/1.1, framed on both ends: N WebSockets opened as streams of one HTTP/2
// connection (RFC 8441) or each on its own TLS connection. Measures the time to open all N, the server's
// memory per WebSocket (a separate process, after a full GC), and 64 B echo throughput over all N at once.
// Usage: node bench/src/http2/run.mjs [--count 1000] [--duration 2000] [--json FILE]
import { fork } from "node:child_process";
import { once } from "node:events";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { connect, Http2SessionPool } from "@framed/websocket/node";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at === -1 ? fallback : args[at + 1];
};
const COUNT = Number(option("--count", 1000));
const DURATION = Number(option("--duration", 2000));
const IN_FLIGHT = 4; // 64 B messages in flight per WebSocket during the echo run
const ca = readFileSync(new URL("../../../test-support/tls/localhost.cert.pem", import.meta.url));

async function startServer() {
  const child = fork(fileURLToPath(new URL("./server.mjs", import.meta.url)), [], {
    execArgv: ["--expose-gc"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const [ready] = await once(child, "message");
  const memory = async () => {
    child.send("memory");
    const [reply] = await once(child, "message");
    return reply;
  };
  return { port: ready.port, memory, stop: () => child.kill() };
}

/** Open COUNT WebSockets, 100 at a time (what a page or a fleet of clients does, without a thundering herd). */
async function openAll(url, options) {
  const streams = [];
  for (let i = 0; i < COUNT; i += 100) {
    const batch = Math.min(100, COUNT - i);
    streams.push(...(await Promise.all(Array.from({ length: batch }, () => connect(url, options)))));
  }
  return streams;
}

/** Every WebSocket keeps IN_FLIGHT 64 B messages going for DURATION ms; returns echoed messages per second. */
async function echoRate(streams) {
  const message = new Uint8Array(64);
  let echoed = 0;
  let running = true;
  const loops = streams.map(async (stream) => {
    for (let i = 0; i < IN_FLIGHT; i++) stream.send(message);
    const iterator = stream[Symbol.asyncIterator]();
    while (running) {
      const next = await iterator.next();
      if (next.done) return;
      echoed++;
      if (running) stream.send(message);
    }
  });
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, DURATION));
  running = false;
  const rate = (echoed / (performance.now() - started)) * 1000;
  await Promise.race([Promise.all(loops), new Promise((resolve) => setTimeout(resolve, 2000))]);
  return rate;
}

async function measure(mode) {
  const server = await startServer();
  try {
    const url = `wss://127.0.0.1:${server.port}/`;
    const pool = mode === "http2" ? new Http2SessionPool({ tls: { ca } }) : undefined;
    const options =
      mode === "http2" ? { http2: pool, http2Fallback: "fail", deflate: false } : { tls: { ca }, deflate: false };
    const before = await server.memory();
    const started = performance.now();
    const streams = await openAll(url, options);
    const openMs = performance.now() - started;
    const after = await server.memory();
    if (after.streams !== COUNT) throw new Error(`server holds ${after.streams} WebSockets, expected ${COUNT}`);
    const perSocket = (after.memory - before.memory) / COUNT;
    const rate = await echoRate(streams);
    await Promise.all(streams.map((stream) => stream.abort()));
    await pool?.close();
    return { mode, count: COUNT, openMs, bytesPerWebSocket: perSocket, echoPerSecond: rate };
  } finally {
    server.stop();
  }
}

const rows = [];
for (const mode of ["http2", "http1"]) rows.push(await measure(mode));
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
console.log(`| carrier | WebSockets | time to open all | server memory per WebSocket | 64 B echo, messages/s |`);
console.log(`| --- | --- | --- | --- | --- |`);
for (const row of rows) {
  const carrier = row.mode === "http2" ? "HTTP/2, one TLS connection" : "HTTP/1.1, one TLS connection each";
  console.log(
    `| ${carrier} | ${row.count} | ${row.openMs.toFixed(0)} ms | ${kib(row.bytesPerWebSocket)} | ${Math.round(row.echoPerSecond).toLocaleString("en-US")} |`,
  );
}
const json = option("--json", undefined);
if (json)
  writeFileSync(json, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 2)}\n`);
process.exit(0);
