/**
 * The echo server every runtime runs: picks the framing's `listen` from the runtime entries it is given, so
 * main.ts (Node), deno.ts and bun.ts differ only in which entries they import and how they exit.
 */
import type { Listener, MessageStream } from "@framed/core";
import { type EchoArgs, parseHeader } from "./args.ts";
import { echoEachMessage } from "./echo-handler.ts";

/** A runtime entry's `listen`, as the echo uses it (every runtime takes `{ host, port }`). */
type Listen = (
  address: { host: string; port: number },
  // biome-ignore lint/suspicious/noExplicitAny: each framing's stream type differs; the echo sends back what it got.
  onStream: (stream: MessageStream<any>) => void | Promise<void>,
  options: object,
) => Promise<Listener<unknown> & { url?: string }>;

/** The runtime entries the echo imports: `@framed/<framing>/<runtime>`. */
export interface EchoEntries {
  lengthPrefix: () => Promise<{ listen: Listen }>;
  newline: () => Promise<{ listen: Listen; newlineBytes: { listen: Listen }; ndjson: { listen: Listen } }>;
  websocket: () => Promise<{ listen: Listen }>;
}

/**
 * Listen as `args` asks and print the `listening` line.
 *
 * @example
 * ```ts
 * await startEcho(args, "deno", { lengthPrefix: () => import("@framed/length-prefix/deno"), … });
 * ```
 */
export async function startEcho(
  args: EchoArgs,
  runtime: string,
  entries: EchoEntries,
): Promise<Listener<unknown> & { url?: string }> {
  const log = args.quiet ? () => {} : (line: string) => console.log(line);
  const handler = (stream: MessageStream<unknown>) => echoEachMessage(stream, log);
  const address = { host: args.host, port: args.port };
  const limits = args.maxMessageSize === undefined ? {} : { maxMessageSize: args.maxMessageSize };
  let server: Listener<unknown> & { url?: string };
  if (args.framing === "length-prefix") {
    server = await (await entries.lengthPrefix()).listen(address, handler, {
      ...limits,
      header: parseHeader(args.header),
    });
  } else if (args.framing === "newline") {
    const newline = await entries.newline();
    // Bytes by default: an echo server returns whatever it was sent, CRs and invalid UTF-8 included.
    if (args.lines === "bytes")
      server = await newline.newlineBytes.listen(address, handler, { ...limits, stripCR: false });
    else if (args.lines === "text") server = await newline.listen(address, handler, limits);
    else server = await newline.ndjson.listen(address, handler, limits);
  } else {
    // Our own WebSocket core on every runtime: the same handshake, limits, log lines and close codes.
    server = await (await entries.websocket()).listen(address, handler, { ...limits, deflate: true });
  }
  console.log(
    `echo (${args.framing}, ${runtime}) listening on ${server.url ?? `${server.address.host}:${server.address.port}`}`,
  );
  return server;
}
