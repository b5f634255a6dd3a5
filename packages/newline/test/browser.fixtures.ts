// Node-side servers for the Chromium tests: NDJSON and text bodies written in awkward pieces, a body
// with a bad JSON line, and a WebSocket byte-pipe echo. Ports reach the browser through `provide`.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import { NDJSON_EVENTS } from "./fixtures/ndjson-events.ts";

/** Writes `body` in pieces of `size` bytes, one piece per timer tick, so chunks land mid-character and mid-CRLF. */
function trickle(response: http.ServerResponse, body: Buffer, size: number): void {
  let offset = 0;
  const timer = setInterval(() => {
    response.write(body.subarray(offset, offset + size));
    offset += size;
    if (offset >= body.length) {
      clearInterval(timer);
      response.end();
    }
  }, 1);
}

export async function setup(provide: (key: string, value: unknown) => void): Promise<() => Promise<void>> {
  const server = http.createServer((request, response) => {
    response.setHeader("access-control-allow-origin", "*");
    if (request.url === "/events.ndjson") {
      response.writeHead(200, { "content-type": "application/x-ndjson" });
      const body = Buffer.from(`\uFEFF${NDJSON_EVENTS.map((e) => JSON.stringify(e)).join("\r\n")}\r\n`);
      trickle(response, body, 5);
      return;
    }
    if (request.url === "/bad.ndjson") {
      response.writeHead(200, { "content-type": "application/x-ndjson" });
      response.end('{"ok":1}\n{"ok":2}\n{not json}\n{"ok":3}\n');
      return;
    }
    if (request.url === "/log.txt") {
      response.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
      trickle(response, Buffer.from("first\r\n\r\nthird ✓\nlast without newline"), 3);
      return;
    }
    response.writeHead(404).end();
  });
  const pipe = new WebSocketServer({ server, path: "/pipe" });
  pipe.on("connection", (socket) => {
    socket.on("message", (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  provide("newlineHttpPort", (server.address() as AddressInfo).port);
  return async () => {
    for (const client of pipe.clients) client.terminate();
    pipe.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
}
