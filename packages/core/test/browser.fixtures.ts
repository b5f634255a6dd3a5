// Node-side servers for core's Chromium tests: a fetch body of tiny-framed messages, and a WebSocket
// byte-pipe echo. Started by scripts/browser-global-setup.ts; ports reach the browser via `provide`.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";

export const TINY_BODY_MESSAGES = ["alpha", "", "β-γ", "x".repeat(200)];

function tinyEncode(messages: string[]): Buffer {
  return Buffer.concat(
    messages.flatMap((m) => {
      const bytes = Buffer.from(m, "utf8");
      return [Buffer.of(bytes.length), bytes];
    }),
  );
}

export async function setup(provide: (key: string, value: unknown) => void): Promise<() => Promise<void>> {
  const server = http.createServer((request, response) => {
    response.setHeader("access-control-allow-origin", "*");
    if (request.url === "/tiny") {
      // Written byte by byte over several writes so framing must cope with arbitrary chunking.
      const bytes = tinyEncode(TINY_BODY_MESSAGES);
      response.writeHead(200, { "content-type": "application/octet-stream" });
      let offset = 0;
      const timer = setInterval(() => {
        response.write(bytes.subarray(offset, offset + 7));
        offset += 7;
        if (offset >= bytes.length) {
          clearInterval(timer);
          response.end();
        }
      }, 1);
      return;
    }
    if (request.url === "/truncated") {
      response.writeHead(200, { "content-type": "application/octet-stream" });
      response.end(Buffer.of(2, 104, 105, 9, 1, 2));
      return;
    }
    response.writeHead(404).end();
  });
  const pipe = new WebSocketServer({ server, path: "/pipe" });
  pipe.on("connection", (socket) => {
    socket.on("message", (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  provide("coreHttpPort", (server.address() as AddressInfo).port);
  return async () => {
    for (const client of pipe.clients) client.terminate();
    pipe.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
}
