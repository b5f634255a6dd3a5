// @framed/length-prefix in the real Bun runtime: echo over Bun's own sockets and over node:net, bad input isolated.
import { expect, test } from "bun:test";
import { checkConformance } from "@framed/core/testing";
import * as viaBun from "../src/bun.ts";
import { lengthPrefix } from "../src/index.ts";
import * as viaNode from "../src/node.ts";

test("length-prefix conformance kit passes under Bun (varint and uint32be)", () => {
  const messages = [new Uint8Array(0), Uint8Array.of(1, 2, 3), new Uint8Array(150).fill(5)];
  checkConformance({ framing: lengthPrefix({ header: "varint" }), messages }, { numRuns: 50 });
  checkConformance({ framing: lengthPrefix(), messages }, { numRuns: 50 });
});

for (const [name, entry] of [
  ["Bun sockets (./bun)", viaBun],
  ["node:net (./node)", viaNode],
] as const) {
  test(`${name}: an echo returns every length-prefixed message in order, 64 KiB ones too`, async () => {
    const server = await entry.listen(
      { port: 0 },
      async (stream) => {
        for await (const message of stream) await stream.send(message);
      },
      { header: "varint" },
    );
    const client = await entry.connect({ port: server.address.port }, { header: "varint" });
    const sent = Array.from({ length: 200 }, (_, i) => new Uint8Array(i * 37).fill(i));
    sent.push(new Uint8Array(65_536).fill(7));
    for (const message of sent) client.send(message);
    const received: Uint8Array[] = [];
    for await (const message of client) {
      received.push(message);
      if (received.length === sent.length) break;
    }
    expect(received).toEqual(sent);
    await client.closed;
    await server.close();
  });

  test(`${name}: an over-limit length closes only that connection with MESSAGE_TOO_LARGE`, async () => {
    const errors: unknown[] = [];
    const server = await entry.listen(
      { port: 0 },
      async (stream) => {
        try {
          for await (const message of stream) await stream.send(message);
        } catch (error) {
          errors.push(error);
        }
      },
      { maxMessageSize: 16 },
    );
    const good = await entry.connect({ port: server.address.port });
    const bad = await entry.connect({ port: server.address.port }, { maxMessageSize: 1 << 20 });
    await bad.send(new Uint8Array(17));
    const badEnd = await bad.closed;
    expect(badEnd.initiator).toBe("remote");
    expect(errors.map((e) => (e as { code?: string }).code)).toEqual(["MESSAGE_TOO_LARGE"]);
    await good.send(Uint8Array.of(1, 2));
    expect((await good[Symbol.asyncIterator]().next()).value).toEqual(Uint8Array.of(1, 2));
    await good.close();
    await server.close();
  });
}
