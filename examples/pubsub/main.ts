// The pubsub server: `node scripts/example.mjs pubsub --framing <websocket|length-prefix|newline> [--redis redis://…]`.
// Every message a client sends is published to one topic and delivered to every client of every server that
// shares the Redis (the sender too). Prints `pubsub (<framing>, node) listening on <address>` once ready.
import type { Listener, MessageStream } from "@framed/core";
import { Topics } from "@framed/topics";
import { redisBackplane } from "@framed/topics/redis";
import { parseHeader } from "../echo/args.ts";
import { parseOrExit } from "../shared/cli-args.ts";
import { parsePubsubArgs, USAGE } from "./args.ts";

type Message = string | Uint8Array;

const args = parseOrExit(parsePubsubArgs, USAGE);
const log = args.quiet ? () => {} : (line: string) => console.log(line);
const topics = new Topics<Message>({
  // A subscriber more than 1 MiB behind loses its oldest messages: a chat shows the latest.
  topic: { maxBacklogBytes: 1 << 20, policy: "drop-oldest" },
  backplane: args.redis === undefined ? undefined : redisBackplane({ url: args.redis }),
  onBackplaneProblem: (error) => log(`backplane: ${error.message}`),
});

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Bytes that are UTF-8 travel as text, so line and WebSocket text clients can read what length-prefix clients send. */
function asPublished(message: Message): Message {
  if (typeof message === "string") return message;
  try {
    return utf8.decode(message);
  } catch {
    return message;
  }
}

async function serve(stream: MessageStream<Message>): Promise<void> {
  topics.subscribe(args.topic, stream);
  try {
    await stream.consume((message) => {
      topics.publish(args.topic, asPublished(message));
    });
  } catch (error) {
    log(`connection closed on bad input: ${(error as Error).message}`);
  }
}

const address = { host: args.host, port: args.port };
const limits = args.maxMessageSize === undefined ? {} : { maxMessageSize: args.maxMessageSize };
let server: Listener<unknown> & { url?: string };
if (args.framing === "length-prefix") {
  const { listen } = await import("@framed/length-prefix/node");
  server = await listen(address, (stream) => serve(stream as MessageStream<Message>), {
    ...limits,
    header: parseHeader(args.header),
  });
} else if (args.framing === "newline") {
  const { listen } = await import("@framed/newline/node");
  server = await listen(address, (stream) => serve(stream as MessageStream<Message>), limits);
} else {
  const { listen } = await import("@framed/websocket/node");
  // No context takeover: compressed frames are then the same bytes for every client, so each message is
  // compressed once for all of them, not once per client.
  server = await listen(address, serve, { ...limits, deflate: { serverNoContextTakeover: true } });
}
const where = server.url ?? `${server.address.host}:${server.address.port}`;
console.log(`pubsub (${args.framing}, node) listening on ${where}`);
if (args.redis !== undefined) log(`sharing topic "${args.topic}" through ${args.redis}`);
const shutdown = async () => {
  await server.close();
  await topics.close();
  process.exit(0);
};
process.once("SIGINT", shutdown);
process.once("SIGTERM", shutdown);
