// The HTTP/2 benchmark's server process: one http2.createSecureServer({ allowHTTP1 }) with @framed/websocket's
// `attach`, echoing with `stream.consume`. Talks to the runner over IPC: sends its port, answers "memory"
// with its heap + external + array buffers after a full GC, so WebSockets are measured where they live.
import { once } from "node:events";
import { readFileSync } from "node:fs";
import * as http2 from "node:http2";
import { attach } from "@framed/websocket/node";

const fixture = (name) => readFileSync(new URL(`../../../test-support/tls/${name}`, import.meta.url));
const server = http2.createSecureServer({
  cert: fixture("localhost.cert.pem"),
  key: fixture("localhost.key.pem"),
  allowHTTP1: true,
  // Room for the 1,000 WebSockets of one session (Node's default is already unlimited; said for the reader).
  settings: { maxConcurrentStreams: 10_000 },
});
const ws = attach(server, (stream) => stream.consume((message) => stream.send(message)));
server.listen(0, "127.0.0.1");
await once(server, "listening");

/** Bytes the process holds for JavaScript objects and buffers, after a full collection. */
function held() {
  for (let i = 0; i < 3; i++) globalThis.gc?.();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external + usage.arrayBuffers;
}

process.on("message", (message) => {
  if (message === "memory") process.send({ memory: held(), streams: ws.streams.size });
  if (message === "exit") process.exit(0);
});
process.on("disconnect", () => process.exit(0));
process.send({ port: server.address().port });
