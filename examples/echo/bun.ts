// The echo server on Bun; started by main.ts with `--runtime bun` (or directly with `bun --conditions=source bun.ts`).
import type { Listener, MessageStream } from "@framed/core";
import { parseEchoArgs, parseHeader } from "./args.ts";
import { echoEachMessage } from "./echo-handler.ts";

let args: ReturnType<typeof parseEchoArgs>;
try {
  args = parseEchoArgs(process.argv.slice(2));
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}

const log = args.quiet ? () => {} : (line: string) => console.log(line);
const address = { host: args.host, port: args.port };
const limits = args.maxMessageSize === undefined ? {} : { maxMessageSize: args.maxMessageSize };
let server: Listener<unknown> & { url?: string };
if (args.framing === "length-prefix") {
  // Bun's own sockets (Bun.listen), the faster transport on Bun.
  const { listen } = await import("@framed/length-prefix/bun");
  server = await listen(address, (stream) => echoEachMessage(stream, log), {
    ...limits,
    header: parseHeader(args.header),
  });
} else if (args.framing === "newline") {
  const newline = await import("@framed/newline/bun");
  const handler = (stream: MessageStream<unknown>) => echoEachMessage(stream, log);
  // Bytes by default: an echo server returns whatever it was sent, CRs and invalid UTF-8 included.
  if (args.lines === "bytes")
    server = await newline.newlineBytes.listen(address, handler, { ...limits, stripCR: false });
  else if (args.lines === "text") server = await newline.listen(address, handler, limits);
  else server = await newline.ndjson.listen(address, handler, limits);
} else {
  // Our own WebSocket core, as on Node and Deno: the same handshake, limits, log lines and close codes.
  const { listen } = await import("@framed/websocket/bun");
  server = await listen({ host: args.host, port: args.port }, (stream) => echoEachMessage(stream, log), {
    ...limits,
    deflate: true,
  });
}
console.log(
  `echo (${args.framing}, bun) listening on ${server.url ?? `${server.address.host}:${server.address.port}`}`,
);
const shutdown = async () => {
  await server.close();
  process.exit(0);
};
process.once("SIGINT", shutdown);
process.once("SIGTERM", shutdown);
