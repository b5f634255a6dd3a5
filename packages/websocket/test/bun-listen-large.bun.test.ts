// framed's own WebSocket server on Bun's sockets when large replies wait for a slow reader: core's Bun transport
// keeps a large waiting payload as it is (not copied), and every byte must still arrive, in order.
import { expect, test } from "bun:test";
import { within } from "@framed/core/testing";
import { connect, listen } from "../src/bun.ts";

const payload = (index: number, length: number) => Uint8Array.from({ length }, (_, i) => (i * 7 + index * 13) & 0xff);

test("Bun listen: 100 KiB replies to a reader that stalls arrive whole and in order (partial writes, drain)", async () => {
  const server = await listen({ port: 0 }, (stream) => stream.consume((message) => stream.send(message)), {
    maxMessageSize: 1024 * 1024,
  });
  // framed's client on Bun's sockets: while nobody reads it, its bounded inbound queue fills and it stops reading,
  // so the server's kernel takes only part of a write and the rest waits for drain.
  const client = await connect(server.url, { maxMessageSize: 1024 * 1024 });
  const count = 60;
  const sent = Array.from({ length: count }, (_, i) => payload(i, 100 * 1024 + i));
  const sending = Promise.all(sent.map((message) => client.send(message)));
  await new Promise((resolve) => setTimeout(resolve, 150));
  const received: Uint8Array[] = [];
  const reading = (async () => {
    for await (const message of client) {
      received.push(message as Uint8Array);
      if (received.length === count) break;
    }
  })();
  await within(Promise.all([sending, reading]), 20_000, "every echo");
  expect(received.length).toBe(count);
  for (let i = 0; i < count; i++) expect(received[i]).toEqual(sent[i]);
  await server.close();
});
