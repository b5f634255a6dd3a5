// Smoke test of the pubsub example: every message reaches every client (the sender too), in one process and
// across three server processes on three ports sharing one real redis-server (WebSocket, length-prefix and
// newline clients, messages every way).
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { connect as connectLengthPrefix } from "@framed/length-prefix/node";
import { connect as connectNewline } from "@framed/newline/node";
import { createClient } from "@redis/client";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { type RedisServer, startRedis } from "../../../test-support/redis-server.ts";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const running: ChildProcess[] = [];
let redis: RedisServer | undefined;

afterEach(async () => {
  for (const child of running.splice(0)) child.kill("SIGTERM");
  await redis?.stop();
  redis = undefined;
});

async function startPubsub(args: string[]): Promise<{ port: number; url: string }> {
  const child = spawn(process.execPath, ["scripts/example.mjs", "pubsub", "--port", "0", ...args], { cwd: root });
  running.push(child);
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const deadline = Date.now() + 20_000;
  while (!/listening on (\S+)/.test(output)) {
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`pubsub ${args.join(" ")} did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const url = /listening on (\S+)/.exec(output)?.[1] ?? "";
  return { port: Number(/:(\d+)\/?$/.exec(url)?.[1]), url };
}

/** A `ws` client that collects text messages. */
async function wsClient(url: string): Promise<{ socket: WebSocket; received: string[] }> {
  const socket = new WebSocket(url);
  const received: string[] = [];
  socket.on("message", (data, isBinary) => received.push(isBinary ? `binary:${data.toString()}` : data.toString()));
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  return { socket, received };
}

async function collect<T>(stream: AsyncIterable<T>, into: string[]): Promise<void> {
  try {
    for await (const message of stream)
      into.push(typeof message === "string" ? message : Buffer.from(message as Uint8Array).toString());
  } catch {
    // Closed at the end of the test.
  }
}

async function untilSubscribed(url: string, count: number): Promise<void> {
  const client = createClient({ url });
  client.on("error", () => {});
  await client.connect();
  try {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const reply = (await client.sendCommand(["PUBSUB", "SHARDNUMSUB", "framed:topics:pubsub"])) as unknown[];
      if (Number(reply[1]) >= count) return;
      if (Date.now() > deadline) throw new Error(`${reply[1]} of ${count} servers subscribed after 15 s`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  } finally {
    client.destroy();
  }
}

describe("pubsub example", () => {
  it("without --redis: every newline client gets every message, its own included", async () => {
    const server = await startPubsub(["--framing", "newline"]);
    const a = await connectNewline({ port: server.port });
    const b = await connectNewline({ port: server.port });
    const gotA: string[] = [];
    const gotB: string[] = [];
    void collect(a, gotA);
    void collect(b, gotB);
    await a.send("from a");
    await expect.poll(() => gotB).toEqual(["from a"]);
    await b.send("from b");
    await expect.poll(() => gotA).toEqual(["from a", "from b"]);
    await expect.poll(() => gotB).toEqual(["from a", "from b"]);
    await a.close();
    await b.close();
  });

  it("three servers sharing one Redis: WebSocket, length-prefix and newline clients all get every message", async () => {
    redis = await startRedis();
    const [ws, lp, nl] = await Promise.all([
      startPubsub(["--framing", "websocket", "--redis", redis.url]),
      startPubsub(["--framing", "length-prefix", "--redis", redis.url]),
      startPubsub(["--framing", "newline", "--redis", redis.url]),
    ]);
    expect(ws.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+/);
    const browserLike = await wsClient(ws.url);
    const service = await connectLengthPrefix({ port: lp.port });
    const lines = await connectNewline({ port: nl.port });
    const gotService: string[] = [];
    const gotLines: string[] = [];
    void collect(service, gotService);
    void collect(lines, gotLines);
    await untilSubscribed(redis.url, 3);

    browserLike.socket.send("hello from the browser");
    await service.send(new TextEncoder().encode("hello from the service"));
    await lines.send("hello from a line");
    const all = ["hello from the browser", "hello from the service", "hello from a line"].sort();
    await expect.poll(() => [...browserLike.received].sort(), { timeout: 10_000 }).toEqual(all);
    await expect.poll(() => [...gotService].sort(), { timeout: 10_000 }).toEqual(all);
    await expect.poll(() => [...gotLines].sort(), { timeout: 10_000 }).toEqual(all);

    // Order per publisher holds across the servers.
    for (let i = 0; i < 20; i++) browserLike.socket.send(`n${i}`);
    const sequence = Array.from({ length: 20 }, (_, i) => `n${i}`);
    await expect.poll(() => gotLines.filter((m) => /^n\d+$/.test(m)), { timeout: 10_000 }).toEqual(sequence);
    await expect.poll(() => gotService.filter((m) => /^n\d+$/.test(m)), { timeout: 10_000 }).toEqual(sequence);
    browserLike.socket.close();
    await service.close();
    await lines.close();
  });
});
