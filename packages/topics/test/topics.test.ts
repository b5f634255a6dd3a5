// Topics in one process: subscribe, publish across framings, sender exclusion, encode once, removal on close.
import { FramedError, type Framing, type MessageStream, mapMessages } from "@framed/core";
import { streamPair } from "@framed/core/testing";
import { websocketFraming } from "@framed/websocket";
import { describe, expect, it, vi } from "vitest";
import { Topics } from "../src/index.ts";
import { type Message, pairOf, readTexts } from "./helpers.ts";

describe("Topics", () => {
  it("delivers one published message to WebSocket, length-prefix and newline subscribers of one topic", async () => {
    const topics = new Topics();
    const pairs = [pairOf("websocket"), pairOf("length-prefix"), pairOf("newline")];
    for (const { server } of pairs) topics.subscribe("room", server);
    expect(topics.publish("room", "hello")).toEqual({ delivered: 3, dropped: 0 });
    expect(topics.publish("room", "world")).toEqual({ delivered: 3, dropped: 0 });
    expect(topics.topicStats("room")).toMatchObject({ subscribers: 3, published: 2, delivered: 6, dropped: 0 });
    for (const { client } of pairs) expect(await readTexts(client, 2)).toEqual(["hello", "world"]);
  });

  it("leaves out the stream given as except (the sender)", async () => {
    const topics = new Topics();
    const a = pairOf("length-prefix");
    const b = pairOf("length-prefix");
    topics.subscribe("t", a.server);
    topics.subscribe("t", b.server);
    expect(topics.publish("t", "from a", { except: a.server })).toEqual({ delivered: 1, dropped: 0 });
    topics.publish("t", "to both");
    expect(await readTexts(a.client, 1)).toEqual(["to both"]);
    expect(await readTexts(b.client, 2)).toEqual(["from a", "to both"]);
  });

  it("encodes a message once per distinct wire encoding, not once per subscriber", async () => {
    const topics = new Topics();
    const lp = [pairOf("length-prefix"), pairOf("length-prefix"), pairOf("length-prefix")];
    const lines = [pairOf("newline"), pairOf("newline")];
    for (const { server } of [...lp, ...lines]) topics.subscribe("t", server);
    // Each pair has its own framing object, but equal settings give equal keys: one encode per key.
    const encodings = [...lp, ...lines].map(({ server }) => server.sharedEncoding);
    expect(encodings.every((encoding) => encoding !== undefined)).toBe(true);
    const spies = encodings.map((encoding) => vi.spyOn(encoding as NonNullable<typeof encoding>, "encode"));
    const sends = [...lp, ...lines].map(({ server }) => vi.spyOn(server, "send"));
    topics.publish("t", "once");
    const calls = spies.reduce((sum, spy) => sum + spy.mock.calls.length, 0);
    expect(calls).toBe(2);
    expect(sends.every((spy) => spy.mock.calls.length === 0)).toBe(true);
    for (const { client } of [...lp, ...lines]) expect(await readTexts(client, 1)).toEqual(["once"]);
  });

  it("compresses once for WebSocket subscribers without context takeover, and per stream with it", async () => {
    const deflate = (serverNoContextTakeover: boolean) =>
      websocketFraming({
        deflate: {
          serverNoContextTakeover,
          clientNoContextTakeover: false,
          serverMaxWindowBits: 15,
          clientMaxWindowBits: 15,
        },
      }) as Framing<Message>;
    const shared = [1, 2, 3].map(() => streamPair(deflate(true)));
    const own = streamPair(deflate(false));
    const topics = new Topics();
    for (const { server } of [...shared, own]) topics.subscribe("t", server);
    const encodes = shared.map(({ server }) =>
      vi.spyOn(server.sharedEncoding as NonNullable<typeof server.sharedEncoding>, "encode"),
    );
    const ownSend = vi.spyOn(own.server, "send");
    const text = "compressible ".repeat(400);
    expect(topics.publish("t", text)).toEqual({ delivered: 4, dropped: 0 });
    expect(encodes.reduce((sum, spy) => sum + spy.mock.calls.length, 0)).toBe(1);
    expect(ownSend).toHaveBeenCalledTimes(1);
    // Compressed: each shared subscriber's transport carried far fewer bytes than the text.
    for (const { serverEnd } of shared) expect(serverEnd.stats.bytesWritten).toBeLessThan(text.length / 10);
    for (const { client } of [...shared, own]) expect(await readTexts(client, 1)).toEqual([text]);
  });

  it("falls back to send for a stream without a shared encoding (a mapped view), in order with the others", async () => {
    const topics = new Topics<string>();
    const plain = pairOf("newline");
    const mapped = pairOf("length-prefix");
    const view = mapMessages(mapped.server, {
      decode: (bytes: Message) => String(bytes),
      encode: (text: string) => new TextEncoder().encode(text.toUpperCase()),
    });
    expect(view.sharedEncoding).toBeUndefined();
    topics.subscribe("t", plain.server as MessageStream<string>);
    topics.subscribe("t", view);
    for (const text of ["a", "b", "c"]) topics.publish("t", text);
    expect(await readTexts(plain.client, 3)).toEqual(["a", "b", "c"]);
    expect(await readTexts(mapped.client, 3)).toEqual(["A", "B", "C"]);
  });

  it("reports a message a subscriber's framing refuses as dropped (refused), and keeps the subscriber", async () => {
    const seen: string[] = [];
    const topics = new Topics({ topic: { onDrop: (event) => seen.push(event.reason) } });
    const lines = pairOf("newline");
    const records = pairOf("length-prefix");
    topics.subscribe("t", lines.server);
    topics.subscribe("t", records.server);
    expect(topics.publish("t", "two\nlines")).toEqual({ delivered: 1, dropped: 1 });
    expect(seen).toEqual(["refused"]);
    topics.publish("t", "fine");
    expect(await readTexts(lines.client, 1)).toEqual(["fine"]);
    expect(await readTexts(records.client, 2)).toEqual(["two\nlines", "fine"]);
  });

  it("removes a stream from all its topics when it closes", async () => {
    const topics = new Topics();
    const { client, server } = pairOf("websocket");
    topics.subscribe("a", server);
    topics.subscribe("b", server);
    topics.subscribe("c", server);
    expect(topics.unsubscribe("b", server)).toBe(true);
    expect(topics.stats).toMatchObject({ topics: 2, streams: 1 });
    await client.close();
    await server.closed;
    await Promise.resolve();
    expect(topics.stats).toMatchObject({ topics: 0, streams: 0 });
    expect(topics.publish("a", "nobody")).toEqual({ delivered: 0, dropped: 0 });
  });

  it("removes a subscriber whose stream closed in the middle of publishing, and delivers to the rest", async () => {
    const topics = new Topics();
    const pairs = Array.from({ length: 5 }, () => pairOf("length-prefix"));
    for (const { server } of pairs) topics.subscribe("t", server);
    const received = pairs.map(({ client }) => readTexts(client, 200).catch(() => []));
    let sent = 0;
    for (let i = 0; i < 200; i++) {
      if (i === 50) pairs[2].server.abort("gone mid-stream");
      if (i === 120) void pairs[4].server.close();
      topics.publish("t", `m${i}`);
      sent++;
    }
    expect(sent).toBe(200);
    expect(topics.subscriberCount("t")).toBe(3);
    const [first, , , fourth] = await Promise.all(received);
    expect(first).toHaveLength(200);
    expect(fourth.at(-1)).toBe("m199");
  });

  it("survives a subscriber closed inside one publish call, by an earlier subscriber's send", async () => {
    const topics = new Topics<string>();
    const killer = pairOf("length-prefix");
    const victim = pairOf("length-prefix");
    const survivor = pairOf("newline");
    // A mapped view encodes inside its send, synchronously: there it aborts the next subscriber's stream.
    const view = mapMessages(killer.server, {
      decode: (bytes: Message) => String(bytes),
      encode: (text: string) => {
        victim.server.abort("closed mid-publish");
        return new TextEncoder().encode(text);
      },
    });
    topics.subscribe("t", view);
    topics.subscribe("t", victim.server as MessageStream<string>);
    topics.subscribe("t", survivor.server as MessageStream<string>);
    expect(topics.publish("t", "once")).toEqual({ delivered: 2, dropped: 1 });
    expect(topics.subscriberCount("t")).toBe(2);
    expect(await readTexts(survivor.client, 1)).toEqual(["once"]);
    expect(await readTexts(killer.client, 1)).toEqual(["once"]);
  });

  it("leaves nothing behind after 10,000 subscribe/unsubscribe cycles", async () => {
    const topics = new Topics();
    const pairs = Array.from({ length: 10 }, () => pairOf("newline"));
    for (let cycle = 0; cycle < 1000; cycle++) {
      for (const [i, { server }] of pairs.entries()) {
        expect(topics.subscribe(`topic-${cycle % 7}`, server)).toBe(true);
        if (i % 2 === 0) topics.publish(`topic-${cycle % 7}`, "x");
        expect(topics.unsubscribe(`topic-${cycle % 7}`, server)).toBe(true);
      }
    }
    expect(topics.stats).toMatchObject({ topics: 0, streams: 0 });
    expect(topics.unsubscribe("topic-0", pairs[0].server)).toBe(false);
    // Closing a stream later finds nothing to remove and nothing breaks.
    await pairs[0].client.close();
    await pairs[0].server.closed;
    expect(topics.stats).toMatchObject({ topics: 0, streams: 0 });
  });

  it("refuses a bad topic name or option with an error that names it", () => {
    const topics = new Topics();
    const { server } = pairOf("newline");
    expect(() => topics.subscribe("", server)).toThrow(FramedError);
    expect(() => topics.publish(42 as unknown as string, "x")).toThrow(/topic name/);
    expect(() => new Topics({ topic: { policy: "drop-all" as "close" } })).toThrow(/policy/);
    expect(() => new Topics({ topic: { closeCode: 1000 as 1008 } })).toThrow(/closeCode/);
    expect(() => new Topics({ topic: { maxBacklogBytes: -1 } })).toThrow(/maxBacklogBytes/);
  });

  it("refuses to subscribe or publish after close, and leaves subscribers' streams open", async () => {
    const topics = new Topics();
    const { client, server } = pairOf("length-prefix");
    topics.subscribe("t", server);
    await topics.close();
    expect(() => topics.publish("t", "x")).toThrow(/closed/);
    expect(() => topics.subscribe("t", server)).toThrow(/closed/);
    await server.send("still open");
    expect(await readTexts(client, 1)).toEqual(["still open"]);
  });
});
