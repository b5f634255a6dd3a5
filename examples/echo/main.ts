// The echo server: `node scripts/example.mjs echo --framing <websocket|length-prefix|newline> --runtime <node|deno|bun> --port <N>`.
// Prints `echo (<framing>, <runtime>) listening on <address>` once ready. See README.md for defaults.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Listener, MessageStream } from "@framed/core";
// @ts-expect-error: a plain .mjs helper without types
import { bunBinary } from "../../scripts/bun-binary.mjs";
// @ts-expect-error: a plain .mjs helper without types
import { denoBinary } from "../../scripts/deno-binary.mjs";
import { parseEchoArgs, parseHeader } from "./args.ts";
import { echoEachMessage } from "./echo-handler.ts";

let args: ReturnType<typeof parseEchoArgs>;
try {
  args = parseEchoArgs(process.argv.slice(2));
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}

if (args.runtime === "deno") {
  // The Deno server is the same program on Deno's runtime; this process only starts it.
  const script = fileURLToPath(new URL("./deno.ts", import.meta.url));
  const child = spawn(
    denoBinary(),
    ["run", "--allow-net=127.0.0.1,localhost", "--no-check", script, ...process.argv.slice(2)],
    {
      stdio: "inherit",
    },
  );
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  child.on("exit", (code) => process.exit(code ?? 1));
} else if (args.runtime === "bun") {
  // The same on Bun's runtime, from the sources as here (the `source` condition).
  const script = fileURLToPath(new URL("./bun.ts", import.meta.url));
  const child = spawn(bunBinary(), ["--conditions=source", script, ...process.argv.slice(2)], { stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  child.on("exit", (code) => process.exit(code ?? 1));
} else {
  const log = args.quiet ? () => {} : (line: string) => console.log(line);
  const address = { host: args.host, port: args.port };
  const limits = args.maxMessageSize === undefined ? {} : { maxMessageSize: args.maxMessageSize };
  let server: Listener<unknown> & { url?: string };
  if (args.framing === "length-prefix") {
    const { listen } = await import("@framed/length-prefix/node");
    server = await listen(address, (stream) => echoEachMessage(stream, log), {
      ...limits,
      header: parseHeader(args.header),
    });
  } else if (args.framing === "newline") {
    const newline = await import("@framed/newline/node");
    const handler = (stream: MessageStream<unknown>) => echoEachMessage(stream, log);
    // Bytes by default: an echo server returns whatever it was sent, CRs and invalid UTF-8 included.
    if (args.lines === "bytes")
      server = await newline.newlineBytes.listen(address, handler, { ...limits, stripCR: false });
    else if (args.lines === "text") server = await newline.listen(address, handler, limits);
    else server = await newline.ndjson.listen(address, handler, limits);
  } else if (args.http2) {
    const { listenHttp2 } = await import("./http2-server.ts");
    server = await listenHttp2(args, (stream) => echoEachMessage(stream, log), { ...limits, deflate: true });
  } else {
    const { listen } = await import("@framed/websocket/node");
    server = await listen(address, (stream) => echoEachMessage(stream, log), { ...limits, deflate: true });
  }
  const where = server.url ?? `${server.address.host}:${server.address.port}`;
  console.log(`echo (${args.framing}, node) listening on ${where}`);
  const shutdown = async () => {
    await server.close();
    process.exit(0);
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}
