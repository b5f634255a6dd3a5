// The Redis backplane against a real redis-server started by each test: messages cross between two Topics
// (as two processes would), in order, and a Redis outage is survived: local delivery goes on, what could
// not cross is counted, receivers report the gap, and crossing resumes after Redis comes back.
import type { FramedError } from "@framed/core";
import { createClient } from "@redis/client";
import { afterEach, describe, expect, it } from "vitest";
import { type RedisServer, startRedis } from "../../../test-support/redis-server.ts";
import { Topics } from "../src/index.ts";
import { redisBackplane } from "../src/redis.ts";
import { pairOf, reader, readTexts } from "./helpers.ts";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function redis(): Promise<RedisServer> {
  const server = await startRedis();
  cleanups.push(() => server.stop());
  return server;
}

function topicsOn(url: string, problems: FramedError[] = []): Topics {
  const topics = new Topics({
    backplane: redisBackplane({ url, reconnectDelay: 50, maxReconnectDelay: 400 }),
    onBackplaneProblem: (error) => problems.push(error),
  });
  cleanups.push(() => topics.close());
  return topics;
}

/** Wait (bounded) until `count` connections have subscribed to the topic's sharded channel. */
async function untilSubscribed(url: string, topic: string, count: number): Promise<void> {
  const client = createClient({ url });
  client.on("error", () => {});
  await client.connect();
  try {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const reply = (await client.sendCommand(["PUBSUB", "SHARDNUMSUB", `framed:topics:${topic}`])) as unknown[];
      if (Number(reply[1]) >= count) return;
      if (Date.now() > deadline) throw new Error(`${topic}: ${reply[1]} of ${count} subscribers after 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    client.destroy();
  }
}

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("Redis backplane", () => {
  it("carries messages both ways between two Topics, in order, each delivered once (sharded: auto picks SPUBLISH on Redis 7)", async () => {
    const server = await redis();
    const one = topicsOn(server.url);
    const two = topicsOn(server.url);
    const onOne = pairOf("length-prefix");
    const onTwo = pairOf("newline");
    one.subscribe("room", onOne.server);
    two.subscribe("room", onTwo.server);
    await untilSubscribed(server.url, "room", 2);
    await until(() => one.stats.backplane?.connected === true && two.stats.backplane?.connected === true, "connected");
    for (let i = 0; i < 50; i++) one.publish("room", `one ${i}`);
    two.publish("room", "two 0");
    const expectedOne = Array.from({ length: 50 }, (_, i) => `one ${i}`);
    // Each side: its own messages once (locally), the other side's once (through Redis), each publisher in order.
    const gotTwo = await readTexts(onTwo.client, 51);
    expect(gotTwo.filter((m) => m.startsWith("one"))).toEqual(expectedOne);
    expect(gotTwo).toContain("two 0");
    const gotOne = await readTexts(onOne.client, 51);
    expect(gotOne.filter((m) => m.startsWith("one"))).toEqual(expectedOne);
    expect(gotOne.filter((m) => m === "two 0")).toHaveLength(1);
    expect(two.stats).toMatchObject({ received: 50, gaps: 0, discarded: 0 });
  });

  it("survives Redis being killed and restarted: local delivery goes on, the gap is reported, crossing resumes", async () => {
    const server = await redis();
    const problemsOne: FramedError[] = [];
    const problemsTwo: FramedError[] = [];
    const one = topicsOn(server.url, problemsOne);
    const two = topicsOn(server.url, problemsTwo);
    const local = pairOf("length-prefix");
    const remote = pairOf("websocket");
    one.subscribe("feed", local.server);
    two.subscribe("feed", remote.server);
    await untilSubscribed(server.url, "feed", 2);
    await until(() => one.stats.backplane?.connected === true, "connected");
    const readRemote = reader(remote.client);
    one.publish("feed", "before");
    expect(await readRemote(1)).toEqual(["before"]);

    await server.kill();
    await until(() => one.stats.backplane?.connected === false, "the publisher noticing the outage");
    for (let i = 0; i < 5; i++) expect(one.publish("feed", `during ${i}`)).toEqual({ delivered: 1, dropped: 0 });
    expect(one.stats.backplane?.notCrossed).toBeGreaterThanOrEqual(5);
    expect(problemsOne.some((p) => /could not cross/.test(p.message))).toBe(true);

    await server.restart();
    await untilSubscribed(server.url, "feed", 2);
    await until(() => one.stats.backplane?.connected === true, "the publisher reconnecting");
    one.publish("feed", "after");
    // The remote subscriber gets "after" (crossing resumed); the five in between are reported as missed.
    const [next] = await readRemote(1);
    expect(next).toBe("after");
    expect(two.stats.gaps).toBe(5);
    expect(problemsTwo.some((p) => p.code === "TRUNCATED" && /5 message\(s\)/.test(p.message))).toBe(true);
    expect(one.stats.backplane?.disconnects).toBeGreaterThanOrEqual(1);
    // Local delivery never stopped.
    expect(await readTexts(local.client, 7)).toEqual([
      "before",
      "during 0",
      "during 1",
      "during 2",
      "during 3",
      "during 4",
      "after",
    ]);
  });

  it("leaves no channel subscribed on Redis after 10,000 subscribe/unsubscribe cycles", async () => {
    const server = await redis();
    const topics = topicsOn(server.url);
    const { server: stream } = pairOf("newline");
    await until(() => topics.stats.backplane?.connected === true, "connected");
    for (let cycle = 0; cycle < 10_000; cycle++) {
      topics.subscribe(`t${cycle % 10}`, stream);
      topics.unsubscribe(`t${cycle % 10}`, stream);
    }
    topics.subscribe("kept", stream);
    await untilSubscribed(server.url, "kept", 1);
    const client = createClient({ url: server.url });
    client.on("error", () => {});
    await client.connect();
    try {
      // Commands run in order on one connection: once "kept" is subscribed, every earlier unsubscribe ran too.
      expect(await client.sendCommand(["PUBSUB", "SHARDCHANNELS"])).toEqual(["framed:topics:kept"]);
    } finally {
      client.destroy();
    }
    expect(topics.stats).toMatchObject({ topics: 1, streams: 1 });
  });

  it("with sharded: false uses plain PUBLISH/SUBSCRIBE (Redis 6 and older) and still carries messages", async () => {
    const server = await redis();
    const plain = (url: string) => {
      const topics = new Topics({ backplane: redisBackplane({ url, sharded: false }) });
      cleanups.push(() => topics.close());
      return topics;
    };
    const one = plain(server.url);
    const two = plain(server.url);
    const onTwo = pairOf("newline");
    two.subscribe("room", onTwo.server);
    const client = createClient({ url: server.url });
    client.on("error", () => {});
    await client.connect();
    try {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const reply = (await client.sendCommand(["PUBSUB", "NUMSUB", "framed:topics:room"])) as unknown[];
        if (Number(reply[1]) >= 1) break;
        if (Date.now() > deadline) throw new Error("not subscribed with SUBSCRIBE after 10 s");
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(await client.sendCommand(["PUBSUB", "SHARDCHANNELS"])).toEqual([]);
    } finally {
      client.destroy();
    }
    await until(() => one.stats.backplane?.connected === true, "connected");
    one.publish("room", "plain");
    expect(await readTexts(onTwo.client, 1)).toEqual(["plain"]);
  });

  it("refuses a sharded option that is not true, false or auto, naming it", () => {
    expect(() => redisBackplane({ sharded: "yes" as never })).toThrow(/sharded must be/);
  });

  it("starts without Redis: publishing works locally and counts what could not cross", async () => {
    const server = await redis();
    await server.kill();
    const problems: FramedError[] = [];
    const topics = topicsOn(server.url, problems);
    const local = pairOf("newline");
    topics.subscribe("t", local.server);
    expect(topics.publish("t", "alone")).toEqual({ delivered: 1, dropped: 0 });
    expect(await readTexts(local.client, 1)).toEqual(["alone"]);
    expect(topics.stats.backplane).toMatchObject({ connected: false, notCrossed: 1 });
  });
});
