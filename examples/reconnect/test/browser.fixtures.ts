// Fixtures for the Chromium test: the example's WebSocket echo server in a child process, and a small
// HTTP control endpoint through which the page kills it and starts it again (on the same port), and a
// WebSocket server that closes every connection with 1008 (policy violation).
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { listen } from "@framed/websocket/node";
import { ServerProcess } from "../server-process.ts";

declare module "vitest" {
  interface ProvidedContext {
    reconnectEchoUrl: string;
    reconnectControlUrl: string;
    reconnectPolicyCloseUrl: string;
  }
}

export async function setup(provide: (key: string, value: unknown) => void): Promise<() => Promise<void>> {
  const echo = new ServerProcess("websocket");
  const port = await echo.start();
  const control = http.createServer((request, response) => {
    const act = request.url === "/kill" ? echo.kill() : request.url === "/start" ? echo.start() : undefined;
    response.setHeader("access-control-allow-origin", "*");
    if (!act) {
      response.writeHead(404).end();
      return;
    }
    act.then(
      () => response.writeHead(200).end("ok"),
      (error: Error) => response.writeHead(500).end(error.message),
    );
  });
  await new Promise<void>((resolve) => control.listen(0, "127.0.0.1", resolve));
  const policy = await listen({ port: 0 }, (stream) => void stream.close({ code: 1008, reason: "not allowed" }));
  provide("reconnectPolicyCloseUrl", policy.url);
  provide("reconnectEchoUrl", `ws://127.0.0.1:${port}/`);
  provide("reconnectControlUrl", `http://127.0.0.1:${(control.address() as AddressInfo).port}`);
  return async () => {
    await new Promise((resolve) => control.close(resolve));
    await policy.close();
    await echo.kill();
  };
}
