// The shared vocabulary on Bun: `{ host, port }` addresses (Bun's `hostname` accepted as a deprecated alias) and
// `server` on the listener, as on Node and Deno.
import { expect, test } from "bun:test";
import { connect, listen } from "../src/bun.ts";
import type { MessageStream } from "../src/message-stream.ts";
import { roundTrip } from "./fixtures/round-trip.ts";
import { tinyFraming } from "./fixtures/tiny-framing.ts";

const echo = async (stream: MessageStream<string>) => {
  for await (const message of stream) await stream.send(message);
};

test("Bun vocabulary: listen and connect take host, and hostname as its alias; the listener has server", async () => {
  const server = await listen({ host: "127.0.0.1", port: 0 }, tinyFraming(), echo);
  try {
    expect(server.address.host).toBe("127.0.0.1");
    expect(server.server.port).toBe(server.address.port);
    for (const address of [
      { host: "127.0.0.1", port: server.address.port },
      { hostname: "127.0.0.1", port: server.address.port },
    ]) {
      const client = await connect(address, tinyFraming());
      expect(await roundTrip(client, ["one", "two"])).toEqual(["one", "two"]);
      await client.closed;
    }
  } finally {
    await server.close();
  }
});
