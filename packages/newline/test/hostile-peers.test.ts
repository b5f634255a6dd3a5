// Hostile peers over real TCP: a line that never ends is refused while it grows, and only that connection notices.
import { once } from "node:events";
import * as net from "node:net";
import type { CloseInfo, Listener } from "@framed/core";
import { afterEach, describe, expect, it } from "vitest";
import { connect, listen } from "../src/node.ts";

const listeners: Listener<string>[] = [];
afterEach(async () => {
  await Promise.all(listeners.splice(0).map((listener) => listener.close()));
});

const KiB = 1024;

describe("endless line over TCP", () => {
  it("a line with no delimiter fails with MESSAGE_TOO_LARGE once it passes maxMessageSize, while the peer is still sending; another connection keeps echoing", async () => {
    const maxMessageSize = 64 * KiB;
    const closedByPort = new Map<number | undefined, Promise<CloseInfo>>();
    const server = await listen(
      { port: 0 },
      async (stream, socket) => {
        closedByPort.set(socket.remotePort, stream.closed);
        try {
          for await (const line of stream) await stream.send(line);
        } catch {
          // Checked through `closed`.
        }
      },
      { maxMessageSize },
    );
    listeners.push(server);
    const bystander = await connect({ port: server.address.port });

    const endless = net.connect({ port: server.address.port, host: "127.0.0.1" });
    endless.on("error", () => {});
    await once(endless, "connect");
    const endlessClosed = once(endless, "close");
    await expect.poll(() => closedByPort.has(endless.localPort), { timeout: 1000 }).toBe(true);
    let failedAfter: number | undefined;
    const failure = closedByPort.get(endless.localPort)!;
    let sent = 0;
    failure.then(() => {
      failedAfter = sent;
    });

    // Bounded: at most 1 MiB, one 1 KiB chunk per millisecond; the server must give up long before that.
    const chunk = Buffer.alloc(KiB, "x");
    for (let i = 0; i < 1024 && failedAfter === undefined && !endless.destroyed && endless.writable; i++) {
      endless.write(chunk);
      sent += chunk.length;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const info = await failure;
    await endlessClosed;

    expect(info.initiator).toBe("error");
    expect(info.error?.code).toBe("MESSAGE_TOO_LARGE");
    expect(info.error?.messageNumber).toBe(1);
    expect(failedAfter).toBeGreaterThan(maxMessageSize);
    expect(failedAfter).toBeLessThan(4 * maxMessageSize);

    await bystander.send("still here");
    const { value } = await bystander[Symbol.asyncIterator]().next();
    expect(value).toBe("still here");
    await bystander.close();
  });
});
