// `node scripts/example.mjs ndjson-fetch [--port 8081]`: serves the page and /rows?count=N&delayMs=M&bad=L (NDJSON).
// `node scripts/example.mjs ndjson-fetch --deno-client [--url URL]`: reads URL with Deno (no URL: a server of its own).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
// @ts-expect-error: a plain .mjs helper without types
import { denoBinary } from "../../scripts/deno-binary.mjs";
import { parseOrExit } from "../shared/cli-args.ts";
import { startServer } from "./server.ts";

const USAGE =
  "usage: node scripts/example.mjs ndjson-fetch [--port 8081] [--host 127.0.0.1] | --deno-client [--url URL]";

function parseArgs(argv: string[]) {
  const args = { port: 8081, host: "127.0.0.1", denoClient: false, url: undefined as string | undefined };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      return next;
    };
    if (flag === "--port") args.port = Number(value());
    else if (flag === "--host") args.host = value();
    else if (flag === "--deno-client") args.denoClient = true;
    else if (flag === "--url") args.url = value();
    else throw new Error(`unknown flag "${flag}"`);
  }
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) throw new Error("--port must be 0..65535");
  return args;
}

const args = parseOrExit(parseArgs, USAGE);

if (args.denoClient) {
  const own = args.url ? undefined : await startServer(0, args.host);
  const url = args.url ?? `${own?.url}/rows?count=10&delayMs=20&bad=4`;
  const script = fileURLToPath(new URL("./deno.ts", import.meta.url));
  const child = spawn(denoBinary(), ["run", `--allow-net=${new URL(url).host}`, "--no-check", script, url], {
    stdio: "inherit",
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  child.on("exit", async (code) => {
    await own?.close();
    process.exit(code ?? 1);
  });
} else {
  const server = await startServer(args.port, args.host);
  console.log(`ndjson-fetch listening on ${server.url} (rows: ${server.url}/rows?count=20&delayMs=100&bad=3)`);
  const shutdown = async () => {
    await server.close();
    process.exit(0);
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}
