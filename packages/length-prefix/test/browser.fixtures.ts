// Node-side servers for length-prefix's Chromium tests: a fetch body of varint-framed messages written in
// awkward pieces, and a `ws` byte pipe whose Node side decodes and re-encodes with the sans-I/O session.
import { encodeMessages, openRecorded } from "@framed/core/testing";
import { startFixtureServer, trickle } from "../../../test-support/fixture-server.ts";
import { lengthPrefix } from "../src/index.ts";

export const LP_BODY_MESSAGE_COUNT = 300;

export async function setup(provide: (key: string, value: unknown) => void): Promise<() => Promise<void>> {
  const framing = lengthPrefix({ header: "varint" });
  const body = encodeMessages(
    framing,
    Array.from({ length: LP_BODY_MESSAGE_COUNT }, (_, i) => new Uint8Array(i * 13).fill(i & 0xff)),
  );
  const server = await startFixtureServer(
    {
      "/lp-body": (response) => {
        response.writeHead(200, { "content-type": "application/octet-stream" });
        // Pieces of 1..4096 bytes, so messages and varint headers are cut everywhere.
        trickle(response, body, (offset) => 1 + ((offset * 7919) % 4096));
      },
      "/lp-bad-length": (response) => {
        response.writeHead(200, { "content-type": "application/octet-stream" });
        response.end(Buffer.from([1, 65, 0xff, 0xff, 0xff, 0x7f]));
      },
    },
    {
      path: "/lp-pipe",
      // The Node side of the pipe: our sans-I/O session fed with each WebSocket message's bytes.
      onConnection(socket) {
        const { session, record } = openRecorded(framing, "server");
        socket.on("message", (data: Buffer) => {
          session.receive(new Uint8Array(data));
          for (const message of record.messages.splice(0)) session.send(message);
          if (record.writes.length > 0) socket.send(Buffer.concat(record.writes.splice(0)));
          if (record.end) socket.close(1000);
        });
      },
    },
  );
  provide("lengthPrefixPort", server.port);
  return server.close;
}
