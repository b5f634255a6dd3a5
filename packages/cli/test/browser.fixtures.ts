// Node side of the Chromium bridge test: a newline TCP service (it upper-cases each line, and answers
// "bye" by closing) and `framed bridge` in front of it as a child process, its WebSocket port provided to the page.
import { listen } from "@framed/newline/node";
import { ensureBuilt, startCli } from "./run-cli.ts";

export async function setup(provide: (key: string, value: unknown) => void): Promise<() => Promise<void>> {
  ensureBuilt();
  const service = await listen({ port: 0 }, async (stream) => {
    for await (const line of stream) {
      if (line === "bye") {
        await stream.close();
        return;
      }
      await stream.send(line.toUpperCase());
    }
  });
  const bridge = startCli(["bridge", "ws://127.0.0.1:0", `newline://127.0.0.1:${service.address.port}`]);
  try {
    const match = await bridge.waitFor(/bridging ws:\/\/127\.0\.0\.1:(\d+)\//);
    provide("cliBridgePort", Number(match[1]));
  } catch (error) {
    bridge.child.kill("SIGKILL");
    await service.close();
    throw error;
  }
  return async () => {
    bridge.child.kill("SIGTERM");
    await bridge.done(5000);
    await service.close();
  };
}
