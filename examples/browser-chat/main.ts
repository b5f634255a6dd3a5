// `node scripts/example.mjs browser-chat [--port 8080] [--tcp-port 8090]`: the chat server (page + WebSocket + length-prefix).
// `node scripts/example.mjs browser-chat --client --tcp-port 8090 --name bob`: a terminal client (stdin lines in, messages out).

import { parseOrExit } from "../shared/cli-args.ts";
import { runChatCli } from "./cli.ts";
import { startChatServer } from "./server.ts";

const USAGE = `usage: node scripts/example.mjs browser-chat [--port 8080] [--tcp-port 8090] [--host 127.0.0.1]
       node scripts/example.mjs browser-chat --client [--tcp-port 8090] [--host 127.0.0.1] [--name NAME]`;

function parseArgs(argv: string[]) {
  const args = { port: 8080, tcpPort: 8090, host: "127.0.0.1", client: false, name: `cli-${process.pid}` };
  const port = (flag: string, text: string | undefined) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 0 || value > 65535)
      throw new Error(`${flag} must be 0..65535, got "${text}"`);
    return value;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === "--port") args.port = port(flag, argv[++i]);
    else if (flag === "--tcp-port") args.tcpPort = port(flag, argv[++i]);
    else if (flag === "--host") args.host = argv[++i] ?? args.host;
    else if (flag === "--name") args.name = argv[++i] ?? args.name;
    else if (flag === "--client") args.client = true;
    else throw new Error(`unknown flag "${flag}"`);
  }
  return args;
}

const args = parseOrExit(parseArgs, USAGE);

if (args.client) {
  try {
    await runChatCli(args);
    process.exit(0);
  } catch (error) {
    console.error(`browser-chat client: ${(error as Error).message}`);
    process.exit(1);
  }
} else {
  const chat = await startChatServer({ ...args, log: (line) => console.log(line) });
  console.log(`browser-chat listening on ${chat.url}`);
  console.log(`browser-chat length-prefix chat on ${args.host}:${chat.tcpPort} (WebSocket: ${chat.webSocketUrl})`);
  const shutdown = async () => {
    await chat.close();
    process.exit(0);
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}
