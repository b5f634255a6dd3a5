// @framed/length-prefix/browser in real Chromium: a fetch body and a WebSocket byte pipe.
import { describe, expect, inject, it } from "vitest";
import { fromResponse, fromWebSocket } from "../src/browser.ts";

declare module "vitest" {
  export interface ProvidedContext {
    lengthPrefixPort: number;
  }
}

const base = () => `127.0.0.1:${inject("lengthPrefixPort")}`;

describe("length-prefix in Chromium", () => {
  it("reads 300 varint-framed messages from a fetch body cut into random pieces", async () => {
    const stream = fromResponse(await fetch(`http://${base()}/lp-body`), { header: "varint" });
    let count = 0;
    for await (const message of stream) {
      expect(message.length).toBe(count * 13);
      expect(message.every((b) => b === (count & 0xff))).toBe(true);
      count++;
    }
    expect(count).toBe(300);
  });

  it("a declared length over maxMessageSize in a fetch body fails with MESSAGE_TOO_LARGE after the message before it", async () => {
    const stream = fromResponse(await fetch(`http://${base()}/lp-bad-length`), {
      header: "varint",
      maxMessageSize: 1024,
    });
    const received: number[][] = [];
    let failure: unknown;
    try {
      for await (const message of stream) received.push([...message]);
    } catch (error) {
      failure = error;
    }
    expect(received).toEqual([[65]]);
    expect(failure).toMatchObject({ code: "MESSAGE_TOO_LARGE" });
  });

  it("echoes length-prefixed messages over a WebSocket byte pipe to a Node session", async () => {
    const stream = await fromWebSocket(new WebSocket(`ws://${base()}/lp-pipe`), { header: "varint" });
    const sent = Array.from({ length: 100 }, (_, i) => new Uint8Array(i * 100).fill(i));
    for (const message of sent) stream.send(message);
    let count = 0;
    for await (const message of stream) {
      expect(message.length).toBe(sent[count].length);
      if (++count === sent.length) break;
    }
    expect(count).toBe(100);
  });
});
