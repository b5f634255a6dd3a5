// The echo server on Bun; started by main.ts with `--runtime bun` (or directly with `bun --conditions=source bun.ts`).
import { parseEchoArgs } from "./args.ts";
import { startEcho } from "./start-echo.ts";

let args: ReturnType<typeof parseEchoArgs>;
try {
  args = parseEchoArgs(process.argv.slice(2));
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}

// Bun's own sockets (Bun.listen), the faster transport on Bun.
const server = await startEcho(args, "bun", {
  lengthPrefix: () => import("@framed/length-prefix/bun"),
  newline: () => import("@framed/newline/bun"),
  websocket: () => import("@framed/websocket/bun"),
});
const shutdown = async () => {
  await server.close();
  process.exit(0);
};
process.once("SIGINT", shutdown);
process.once("SIGTERM", shutdown);
