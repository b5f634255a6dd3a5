// The slow-subscriber policies: a byte bound per subscriber, and what each policy does past it.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { type DropEvent, Topics } from "../src/index.ts";
import { type Message, pairOf, readAll, readTexts } from "./helpers.ts";

const run = promisify(execFile);
const PIPE_HIGH_WATER_MARK = 4096;
const MAX_BACKLOG = 2000;
const MESSAGE = 100; // bytes per message: "m" + zero-padded number, padded with dots

function message(i: number): string {
  return `m${String(i).padStart(5, "0")}`.padEnd(MESSAGE, ".");
}

/** A subscriber whose client reads nothing: its pipe fills, then its stream reports it full. */
function stalledPair(kind: "websocket" | "length-prefix" = "length-prefix") {
  return pairOf(kind, { highWaterMark: PIPE_HIGH_WATER_MARK, readableHighWaterMark: 1 });
}

/** Publish `count` numbered messages to "feed", in one tick. */
function publishMany(topics: Topics, count: number): { results: { delivered: number; dropped: number }[] } {
  const results = [];
  for (let i = 0; i < count; i++) results.push(topics.publish("feed", message(i)));
  return { results };
}

describe("slow subscribers", () => {
  it("drop-newest: keeps the oldest backlog, drops what does not fit, and the bound holds", async () => {
    const drops: DropEvent<Message>[] = [];
    const topics = new Topics({
      topic: { maxBacklogBytes: MAX_BACKLOG, policy: "drop-newest", onDrop: (e) => drops.push(e) },
    });
    const slow = stalledPair();
    const fast = pairOf("length-prefix");
    topics.subscribe("feed", slow.server);
    topics.subscribe("feed", fast.server);
    const fastReading = readTexts(fast.client, 200);
    const { results } = publishMany(topics, 200);
    const stats = topics.subscriberStats("feed", slow.server);
    expect(stats?.backlogBytes).toBeLessThanOrEqual(MAX_BACKLOG);
    expect(stats?.dropped).toBeGreaterThan(100);
    expect(drops.length).toBe(stats?.dropped);
    expect(drops.every((d) => d.reason === "drop-newest" && d.stream === slow.server)).toBe(true);
    // The transport holds at most its high-water mark plus the write that crossed it.
    expect(slow.serverEnd.stats.bytesWritten).toBeLessThanOrEqual(PIPE_HIGH_WATER_MARK + MESSAGE + 4);
    expect(results.at(-1)).toEqual({ delivered: 1, dropped: 1 });
    // The fast subscriber lost nothing.
    expect(await fastReading).toHaveLength(200);
    // The slow one gets an unbroken prefix: what the pipe held, then the backlog.
    const got = await readTexts(slow.client, 200 - (stats?.dropped ?? 0));
    expect(got.map((m) => m.slice(0, 6))).toEqual(Array.from({ length: got.length }, (_, i) => message(i).slice(0, 6)));
    expect(topics.topicStats("feed")).toMatchObject({ dropped: stats?.dropped });
  });

  it("drop-oldest: evicts the oldest queued messages so the latest arrive, and the bound holds", async () => {
    const drops: DropEvent<Message>[] = [];
    const topics = new Topics({
      topic: { maxBacklogBytes: MAX_BACKLOG, policy: "drop-oldest", onDrop: (e) => drops.push(e) },
    });
    const slow = stalledPair();
    topics.subscribe("feed", slow.server);
    const { results } = publishMany(topics, 200);
    const stats = topics.subscriberStats("feed", slow.server);
    expect(stats?.backlogBytes).toBeLessThanOrEqual(MAX_BACKLOG);
    expect(stats?.dropped).toBeGreaterThan(100);
    expect(drops.every((d) => d.reason === "drop-oldest")).toBe(true);
    // Every publish was taken (the evicted ones are older messages), so the result never says dropped.
    expect(results.every((r) => r.delivered === 1 && r.dropped === 0)).toBe(true);
    expect(slow.serverEnd.stats.bytesWritten).toBeLessThanOrEqual(PIPE_HIGH_WATER_MARK + MESSAGE + 4);
    const got = await readTexts(slow.client, 200 - (stats?.dropped ?? 0));
    expect(got.at(-1)?.slice(0, 6)).toBe("m00199");
    const numbers = got.map((m) => Number(m.slice(1, 6)));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
  });

  it("close: closes a WebSocket subscriber past the bound with code 1013 and removes it", async () => {
    const topics = new Topics({ topic: { maxBacklogBytes: MAX_BACKLOG, policy: "close" } });
    const slow = stalledPair("websocket");
    const other = pairOf("websocket");
    topics.subscribe("feed", slow.server);
    topics.subscribe("feed", other.server);
    const otherReading = readTexts(other.client, 100);
    publishMany(topics, 100);
    expect(topics.subscriberCount("feed")).toBe(1);
    expect(topics.topicStats("feed")).toMatchObject({ closedSlow: 1, backlogBytes: 0 });
    expect(slow.serverEnd.stats.bytesWritten).toBeLessThanOrEqual(PIPE_HIGH_WATER_MARK + MESSAGE + 200);
    // The client reads what was flushed, then the close frame.
    await readAll(slow.client);
    const info = await slow.client.closed;
    expect(info.code).toBe(1013);
    expect(info.reason).toMatch(/slow subscriber/);
    expect(await otherReading).toHaveLength(100);
  });

  it("close with 1008 when the topic says so", async () => {
    const topics = new Topics();
    topics.configure("feed", { maxBacklogBytes: 500, policy: "close", closeCode: 1008 });
    const slow = stalledPair("websocket");
    topics.subscribe("feed", slow.server);
    publishMany(topics, 100);
    await readAll(slow.client);
    expect((await slow.client.closed).code).toBe(1008);
  });

  it("a slow subscriber catches up once its client reads, and nothing stays queued", async () => {
    const topics = new Topics({ topic: { maxBacklogBytes: 64 * 1024, policy: "drop-newest" } });
    const slow = stalledPair();
    topics.subscribe("feed", slow.server);
    publishMany(topics, 300);
    expect(topics.subscriberStats("feed", slow.server)?.backlogBytes).toBeGreaterThan(0);
    const got = await readTexts(slow.client, 300);
    expect(got).toHaveLength(300);
    expect(topics.subscriberStats("feed", slow.server)).toMatchObject({ backlogBytes: 0, dropped: 0, delivered: 300 });
  });
});

describe("memory under slow subscribers", () => {
  it("stays within the stated bound per subscriber while 50 stalled subscribers are published 2 MB each", async () => {
    // In a child process of its own, so that nothing another test file left running is counted.
    const fixture = fileURLToPath(new URL("./fixtures/stalled-memory.ts", import.meta.url));
    const { stdout } = await run(process.execPath, ["--expose-gc", "--conditions=source", "--import", "tsx", fixture], {
      timeout: 30_000,
    });
    const { grown, bound, dropped, subscribers } = JSON.parse(stdout.trim().split("\n").at(-1) as string);
    expect(grown).toBeLessThan(bound * 1.5);
    // Unbounded, every subscriber would hold all 2000 messages (about 12 MB here, the bytes being shared).
    expect(dropped).toBeGreaterThan(subscribers * 1900);
  });
});
