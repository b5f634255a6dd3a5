// The echo server on Deno; started by main.ts with `--runtime deno` (or directly with `deno run`).
import { parseEchoArgs } from "./args.ts";
import { startEcho } from "./start-echo.ts";

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

const server = await startEcho(args, "deno", {
  lengthPrefix: () => import("@framed/length-prefix/deno"),
  newline: () => import("@framed/newline/deno"),
  websocket: () => import("@framed/websocket/deno"),
});
const shutdown = async () => {
  await server.close();
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", shutdown);
Deno.addSignalListener("SIGTERM", shutdown);
