// The echo server on Deno; started by main.ts with `--runtime deno` (or directly with `deno run`).
import type { Listener, MessageStream } from "@framed/core";
import { parseEchoArgs, parseHeader } from "./args.ts";
import { echoEachMessage } from "./echo-handler.ts";

declare const Deno: {
  args: string[];
  exit(code: number): never;
  addSignalListener(signal: string, fn: () => void): void;
};

let args: ReturnType<typeof parseEchoArgs>;
try {
  args = parseEchoArgs(Deno.args);
} catch (error) {
  console.error((error as Error).message);
  Deno.exit(2);
}

const log = args.quiet ? () => {} : (line: string) => console.log(line);
const address = { host: args.host, port: args.port };
const limits = args.maxMessageSize === undefined ? {} : { maxMessageSize: args.maxMessageSize };
let server: Listener<unknown> & { url?: string };
if (args.framing === "length-prefix") {
  const { listen } = await import("@framed/length-prefix/deno");
  server = await listen(address, (stream) => echoEachMessage(stream, log), {
    ...limits,
    header: parseHeader(args.header),
  });
} else if (args.framing === "newline") {
  const newline = await import("@framed/newline/deno");
  const handler = (stream: MessageStream<unknown>) => echoEachMessage(stream, log);
  // Bytes by default: an echo server returns whatever it was sent, CRs and invalid UTF-8 included.
  if (args.lines === "bytes")
    server = await newline.newlineBytes.listen(address, handler, { ...limits, stripCR: false });
  else if (args.lines === "text") server = await newline.listen(address, handler, limits);
  else server = await newline.ndjson.listen(address, handler, limits);
} else {
  // Our own WebSocket core over raw Deno.listen: the same handshake, limits and close codes as on Node.
  const { listen } = await import("@framed/websocket/deno");
  server = await listen(address, (stream) => echoEachMessage(stream, log), { ...limits, deflate: true });
}
console.log(
  `echo (${args.framing}, deno) listening on ${server.url ?? `${server.address.host}:${server.address.port}`}`,
);
const shutdown = async () => {
  await server.close();
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", shutdown);
Deno.addSignalListener("SIGTERM", shutdown);
