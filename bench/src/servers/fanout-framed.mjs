// Fan-out server, framed: WebSocket subscribers on one topic of @framed/topics (slow-subscriber policy on:
// drop-oldest past 1 MiB each). A client on /control sends `go N` to have N 64-byte messages published.
// With a Redis URL as second argument the topic is shared through Redis (one process publishes, another
// fans out).
import { Topics } from "@framed/topics";
import { redisBackplane } from "@framed/topics/redis";
import { listen } from "@framed/websocket/node";
import { announce, portArg } from "./serve.mjs";

const redis = process.argv[3];
const topics = new Topics({
  topic: { maxBacklogBytes: 1 << 20, policy: "drop-oldest" },
  backplane: redis ? redisBackplane({ url: redis }) : undefined,
});
const payload = new Uint8Array(64).fill(42);

async function publish(count) {
  for (let i = 0; i < count; i++) {
    topics.publish("fanout", payload);
    // Let the sockets write between batches, as a real feed would between ticks.
    if (i % 32 === 31) await new Promise((resolve) => setImmediate(resolve));
  }
}

const server = await listen({ host: "127.0.0.1", port: portArg() }, (stream) => {
  if (stream.request.url === "/control") {
    return stream.consume((message) => publish(Number(String(message).split(" ")[1])));
  }
  topics.subscribe("fanout", stream);
  return stream.consume(() => {});
});
announce(server.address.port);
