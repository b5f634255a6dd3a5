// Hostile peers over real TCP: a declared 2^40-byte length is refused at its header, without allocating it,
// and only that connection notices.
import { once } from "node:events";
import * as net from "node:net";
import type { CloseInfo, Listener } from "@framed/core";
import { within } from "@framed/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { connect, type HeaderKind, listen } from "../src/node.ts";

const listeners: Listener<Uint8Array>[] = [];
afterEach(async () => {
  await Promise.all(listeners.splice(0).map((listener) => listener.close()));
});

const TWO_TO_THE_40: Record<"uint64be" | "varint", number[]> = {
  uint64be: [0, 0, 0x01, 0, 0, 0, 0, 0],
  // LEB128: five continuation bytes of zero bits, then 2^5 in the sixth (35 + 5 = 40).
  varint: [0x80, 0x80, 0x80, 0x80, 0x80, 0x20],
};

describe("length bomb over TCP", () => {
  it.each(["uint64be", "varint"] as const)(
    "a %s header declaring 2^40 bytes fails at once with MESSAGE_TOO_LARGE, allocating nothing; another connection keeps echoing",
    async (header: HeaderKind & keyof typeof TWO_TO_THE_40) => {
      const closedByPort = new Map<number | undefined, Promise<CloseInfo>>();
      const server = await listen(
        { port: 0 },
        async (stream, socket) => {
          closedByPort.set(socket.remotePort, stream.closed);
          try {
            for await (const message of stream) await stream.send(message);
          } catch {
            // The bomber's error is checked through `closed`.
          }
        },
        { header },
      );
      listeners.push(server);
      const bystander = await connect({ port: server.address.port }, { header });

      const bomber = net.connect({ port: server.address.port, host: "127.0.0.1" });
      bomber.on("error", () => {});
      await once(bomber, "connect");
      await expect.poll(() => closedByPort.has(bomber.localPort), { timeout: 1000 }).toBe(true);
      const bomberClosed = once(bomber, "close");
      const before = process.memoryUsage();
      bomber.write(Uint8Array.from(TWO_TO_THE_40[header]));
      const info = await within(closedByPort.get(bomber.localPort)!, 1000, "the bomber's stream to fail");
      await within(bomberClosed, 1000, "the server to close the bomber's socket");
      const after = process.memoryUsage();

      expect(info.initiator).toBe("error");
      expect(info.error?.code).toBe("MESSAGE_TOO_LARGE");
      expect(info.error?.message).toContain(String(2 ** 40));
      expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(4 * 1024 * 1024);

      await bystander.send(Uint8Array.of(1, 2, 3));
      const { value } = await within(bystander[Symbol.asyncIterator]().next(), 1000, "the bystander's echo");
      expect(Array.from(value as Uint8Array)).toEqual([1, 2, 3]);
      await bystander.close();
    },
  );
});
