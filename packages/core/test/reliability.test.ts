// Reliability promises of the Node transport: nothing leaks, nothing accepted is lost, a stalled
// reader pauses the socket.
import { execFile } from "node:child_process";
import * as net from "node:net";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { connect, listen, wrap } from "../src/node.ts";
import { tinyFraming } from "./fixtures/tiny-framing.ts";

describe("Node reliability", () => {
  it("after graceful close, bad input, reset and abort the process exits on its own (no leaked socket or timer)", async () => {
    const child = fileURLToPath(new URL("./fixtures/leak-check-child.ts", import.meta.url));
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const proc = execFile(process.execPath, ["--import", "tsx", child], { timeout: 15_000 }, (error, out) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout: out }),
      );
      proc.stdin?.end();
    });
    expect(stdout).toContain("closed; active resources");
    expect(code).toBe(0);
  });

  it("listener.close() delivers every message already accepted by send before the socket closes", async () => {
    const total = 20_000;
    let closing: Promise<void> | undefined;
    const server = await listen({ port: 0 }, tinyFraming(), (stream) => {
      for (let i = 0; i < total; i++) stream.send(`msg-${i}`);
      closing = server.close();
    });
    const client = await connect({ port: server.address.port }, tinyFraming());
    let count = 0;
    let last = "";
    for await (const message of client) {
      count++;
      last = message;
    }
    await closing;
    expect(count).toBe(total);
    expect(last).toBe(`msg-${total - 1}`);
    expect((await client.closed).initiator).toBe("remote");
  });

  it("idleTimeout does not count time the socket is paused for a slow consumer: a peer still sending is not dropped", async () => {
    const total = 40_000; // 10 MB: more than the loopback buffers hold, so the sender really waits
    let sent = 0;
    const server = await listen({ port: 0 }, tinyFraming(), async (stream) => {
      const payload = "s".repeat(250);
      try {
        while (sent < total) {
          await stream.send(payload);
          sent++;
        }
      } catch {
        // A dropped client ends the loop early; the assertions below say so.
      }
    });
    const client = await connect({ port: server.address.port }, tinyFraming(), {
      idleTimeout: 200,
      readableHighWaterMark: 4000,
    });
    await new Promise((resolve) => setTimeout(resolve, 600)); // busy elsewhere for three idle periods
    expect(sent).toBeLessThan(total);
    let received = 0;
    for await (const _ of client) {
      if (++received === total) break;
    }
    expect(received).toBe(total);
    expect((await client.closed).error).toBeUndefined();
    await server.close();
  });

  it("a consumer that never iterates pauses its socket, and the sender's send waits", async () => {
    let sent = 0;
    let stalled = false;
    let lastSend: Promise<void> | undefined;
    let senderStream: Awaited<ReturnType<typeof connect>> | undefined;
    const server = await listen({ port: 0 }, tinyFraming(), async (stream) => {
      senderStream = stream;
      const payload = "p".repeat(250);
      // Bounded: stop once a send has waited a whole second (the kernel buffers are full too), or after
      // 200k messages (50 MB).
      while (sent < 200_000) {
        const send = stream.send(payload);
        lastSend = send;
        sent++;
        let pending = true;
        send.then(() => {
          pending = false;
        });
        await Promise.resolve();
        if (!pending) continue;
        const resolved = await Promise.race([
          send.then(() => true),
          new Promise((r) => setTimeout(() => r(false), 1000)),
        ]);
        if (!resolved) break;
      }
      stalled = true;
    });
    const socket = net.connect({ port: server.address.port, host: "127.0.0.1" });
    await new Promise((resolve) => socket.once("connect", resolve));
    const stream = wrap(socket, tinyFraming(), { readableHighWaterMark: 16_000 });
    await expect.poll(() => socket.isPaused(), { timeout: 5000 }).toBe(true);
    await expect.poll(() => stalled, { timeout: 15_000 }).toBe(true);
    expect(sent).toBeLessThan(200_000);
    const settled = await Promise.race([
      lastSend?.then(() => true),
      new Promise((r) => setTimeout(() => r(false), 100)),
    ]);
    expect(settled).toBe(false);
    // Once the consumer reads, everything flows and the waiting send resolves.
    let received = 0;
    for await (const _ of stream) {
      if (++received === sent) break;
    }
    await lastSend;
    expect(received).toBe(sent);
    senderStream?.abort();
    await server.close();
  });
});
