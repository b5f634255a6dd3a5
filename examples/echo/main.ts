// The echo server: `node scripts/example.mjs echo --framing <websocket|length-prefix|newline> --runtime <node|deno|bun> --port <N>`.
// Prints `echo (<framing>, <runtime>) listening on <address>` once ready. See README.md for defaults.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ServerOptions } from "@framed/websocket/node";
// @ts-expect-error: a plain .mjs helper without types
import { bunBinary } from "../../scripts/bun-binary.mjs";
// @ts-expect-error: a plain .mjs helper without types
import { denoBinary } from "../../scripts/deno-binary.mjs";
import { parseEchoArgs } from "./args.ts";
import { startEcho } from "./start-echo.ts";

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
  const server = await startEcho(args, "node", {
    lengthPrefix: () => import("@framed/length-prefix/node"),
    newline: () => import("@framed/newline/node"),
    websocket: args.http2
      ? async () => {
          // WebSocket over HTTP/2 and HTTP/1.1 on one TLS port (it takes the address from args).
          const { listenHttp2 } = await import("./http2-server.ts");
          return {
            listen: (_address, onStream, options) => listenHttp2(args, onStream, options as ServerOptions),
          };
        }
      : () => import("@framed/websocket/node"),
  });
  const shutdown = async () => {
    await server.close();
    process.exit(0);
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}
