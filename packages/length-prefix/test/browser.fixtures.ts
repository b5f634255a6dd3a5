// Node-side servers for length-prefix's Chromium tests: a fetch body of varint-framed messages written in
// awkward pieces, and a `ws` byte pipe whose Node side decodes and re-encodes with the sans-I/O session.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { encodeMessages, openRecorded } from "@framed/core/testing";
import { WebSocketServer } from "ws";
import { lengthPrefix } from "../src/index.ts";

export const LP_BODY_MESSAGE_COUNT = 300;

export async function setup(provide: (key: string, value: unknown) => void): Promise<() => Promise<void>> {
  const framing = lengthPrefix({ header: "varint" });
  const body = encodeMessages(
    framing,
    Array.from({ length: LP_BODY_MESSAGE_COUNT }, (_, i) => new Uint8Array(i * 13).fill(i & 0xff)),
  );
  const server = http.createServer((request, response) => {
    response.setHeader("access-control-allow-origin", "*");
    if (request.url === "/lp-body") {
      response.writeHead(200, { "content-type": "application/octet-stream" });
      let offset = 0;
      const timer = setInterval(() => {
        // Pieces of 1..4096 bytes, so messages and varint headers are cut everywhere.
        const size = 1 + ((offset * 7919) % 4096);
        response.write(body.subarray(offset, offset + size));
        offset += size;
        if (offset >= body.length) {
          clearInterval(timer);
          response.end();
        }
      }, 1);
      return;
    }
    if (request.url === "/lp-bad-length") {
      response.writeHead(200, { "content-type": "application/octet-stream" });
      response.end(Buffer.from([1, 65, 0xff, 0xff, 0xff, 0x7f]));
      return;
    }
    response.writeHead(404).end();
  });
  const pipe = new WebSocketServer({ server, path: "/lp-pipe" });
  pipe.on("connection", (socket) => {
    // The Node side of the pipe: our sans-I/O session fed with each WebSocket message's bytes.
    const { session, record } = openRecorded(framing, "server");
    socket.on("message", (data: Buffer) => {
      session.receive(new Uint8Array(data));
      for (const message of record.messages.splice(0)) session.send(message);
      if (record.writes.length > 0) socket.send(Buffer.concat(record.writes.splice(0)));
      if (record.end) socket.close(1000);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  provide("lengthPrefixPort", (server.address() as AddressInfo).port);
  return async () => {
    for (const client of pipe.clients) client.terminate();
    pipe.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
}
