// @framed/websocket/browser in real Chromium against our Node and Deno servers (browser.fixtures.ts): the
// same MessageStream interface as on Node, over the browser's own WebSocket.
import { describe, expect, inject, it } from "vitest";
import { connect } from "../src/browser.ts";

const servers = [
  ["Node", "websocketEchoUrl"],
  ["Deno", "websocketDenoEchoUrl"],
] as const;

describe.each(servers)("@framed/websocket/browser against our %s server", (_runtime, key) => {
  const url = inject(key);

  it("echoes text as string and binary as Uint8Array, with the negotiated subprotocol and deflate", async () => {
    const stream = await connect(url, { protocols: ["chat"] });
    expect(stream.protocol).toBe("chat");
    expect(stream.extensions).toContain("permessage-deflate");
    await stream.send("hello");
    await stream.send(Uint8Array.of(1, 2, 3));
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toBe("hello");
    expect((await iterator.next()).value).toEqual(Uint8Array.of(1, 2, 3));
    const info = await stream.close({ code: 1000, reason: "done" });
    expect(info).toMatchObject({ initiator: "local", code: 1000 });
  });

  it("readyState and bufferedAmount come from the browser socket: open with bytes buffered after a large send, then closed", async () => {
    const stream = await connect(url);
    expect(stream.readyState).toBe("open");
    expect(stream.bufferedAmount).toBe(0);
    const sent = stream.send(new Uint8Array(4 * 1024 * 1024));
    expect(stream.bufferedAmount).toBeGreaterThan(0);
    await sent;
    await stream[Symbol.asyncIterator]().next();
    const closing = stream.close();
    expect(stream.readyState).toBe("closing");
    await closing;
    expect(stream.readyState).toBe("closed");
  });

  it("carries an 8 MiB binary message both ways, waiting on bufferedAmount", async () => {
    const stream = await connect(url, { writableHighWaterMark: 64 * 1024 });
    const big = new Uint8Array(8 * 1024 * 1024).map((_, i) => i & 0xff);
    await stream.send(big);
    const { value } = await stream[Symbol.asyncIterator]().next();
    expect((value as Uint8Array).length).toBe(big.length);
    expect((value as Uint8Array)[12345]).toBe(12345 & 0xff);
    await stream.close();
  });

  it("a server-initiated close reports the server's code and reason in closed", async () => {
    const stream = await connect(url);
    await stream.send("close:4001:server says bye");
    const received: unknown[] = [];
    for await (const message of stream) received.push(message);
    expect(received).toEqual([]);
    expect(await stream.closed).toMatchObject({ initiator: "remote", code: 4001, reason: "server says bye" });
  });

  it("our close code and reason reach the server", async () => {
    const stream = await connect(url);
    await stream.send("name:browser-wrapper-close");
    await stream.close({ code: 4321, reason: "client done" });
    const probe = await connect(url);
    await expect
      .poll(async () => {
        await probe.send("close-of:browser-wrapper-close");
        return JSON.parse(String((await probe[Symbol.asyncIterator]().next()).value));
      })
      .toMatchObject({ initiator: "remote", code: 4321, reason: "client done" });
    await probe.close();
  });

  it("an unsendable close code is refused with a RangeError and the stream stays open", async () => {
    const stream = await connect(url);
    await expect(stream.close({ code: 1006 })).rejects.toThrow(RangeError);
    await stream.send("still open");
    expect((await stream[Symbol.asyncIterator]().next()).value).toBe("still open");
    await stream.close();
  });

  it("a handshake the server refuses (403 from verify) rejects with HANDSHAKE_FAILED naming the URL", async () => {
    const path = `/refuse-${Math.random().toString(36).slice(2)}`;
    const refusedUrl = new URL(path, url).href;
    await expect(connect(refusedUrl, { protocols: ["chat"] })).rejects.toMatchObject({
      code: "HANDSHAKE_FAILED",
      message: expect.stringContaining(`the WebSocket to ${refusedUrl} did not open`),
    });
    // The browser hides the status from scripts; the server confirms the connection reached it and was refused.
    const probe = await connect(url);
    await probe.send(`refusal-of:${path}`);
    expect(JSON.parse(String((await probe[Symbol.asyncIterator]().next()).value))).toBe(403);
    await probe.close();
  });
});

describe("@framed/websocket/browser without a server", () => {
  it("a socket that never opens (nothing listening) rejects with HANDSHAKE_FAILED saying the browser hides why", async () => {
    const refused = inject("websocketEchoUrl").replace(/^ws:\/\/127\.0\.0\.1:\d+/, "ws://127.0.0.1:9");
    await expect(connect(refused)).rejects.toMatchObject({
      code: "HANDSHAKE_FAILED",
      message: expect.stringContaining("did not open"),
    });
  });
});
