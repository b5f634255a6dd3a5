/**
 * The Node side of the packages' Chromium tests: an HTTP server on 127.0.0.1 (CORS open, so the test page
 * may fetch from it) serving fixed routes, with a `ws` endpoint for byte-pipe tests, closed without waiting
 * for open connections. Used by each package's test/browser.fixtures.ts.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";

/** A route's handler: write the response (status and headers included). */
export type Route = (response: http.ServerResponse) => void;

export interface FixtureServer {
  port: number;
  close(): Promise<void>;
}

/**
 * Serve `routes` (404 elsewhere) and a WebSocket endpoint at `pipe.path`.
 *
 * @example
 * ```ts
 * const server = await startFixtureServer({ "/body": (res) => res.end("hi\n") }, { path: "/pipe", onConnection: echoMessages });
 * provide("port", server.port);
 * return server.close;
 * ```
 */
export async function startFixtureServer(
  routes: Record<string, Route>,
  pipe: { path: string; onConnection(socket: WebSocket): void },
): Promise<FixtureServer> {
  const server = http.createServer((request, response) => {
    response.setHeader("access-control-allow-origin", "*");
    const route = routes[request.url ?? ""];
    if (route) route(response);
    else response.writeHead(404).end();
  });
  const sockets = new WebSocketServer({ server, path: pipe.path });
  sockets.on("connection", (socket) => pipe.onConnection(socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A byte pipe's far end that sends every message back as it came. */
export function echoMessages(socket: WebSocket): void {
  socket.on("message", (data, isBinary) => socket.send(data, { binary: isBinary }));
}

/**
 * Write `body` in pieces, one per timer tick, then end: chunks land mid-header, mid-character and mid-CRLF.
 * `pieceSize` is a size, or picks one from the offset reached.
 */
export function trickle(
  response: http.ServerResponse,
  body: Uint8Array,
  pieceSize: number | ((offset: number) => number),
): void {
  let offset = 0;
  const timer = setInterval(() => {
    const size = typeof pieceSize === "number" ? pieceSize : pieceSize(offset);
    response.write(body.subarray(offset, offset + size));
    offset += size;
    if (offset >= body.length) {
      clearInterval(timer);
      response.end();
    }
  }, 1);
}
