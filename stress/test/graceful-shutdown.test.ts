// listener.close() on every framing's Node listener: it stops accepting at once, delivers every message already
// accepted by send, closes each open stream with the framing's own close (WebSocket 1001) and resolves when all
// are closed.
import type { CloseInfo, MessageStream } from "@framed/core";
import { within } from "@framed/core/testing";
import { describe, expect, it } from "vitest";
import { framingCases } from "./framings.ts";

const MESSAGES = 2000;
// 2000 × 1 KiB is twice the default writableHighWaterMark: sends are still queued when close() is called.
const PADDING = "p".repeat(1000);

/** Read every message until the stream ends; an error ends the read too (it is then in `closed`). */
async function drain(stream: MessageStream<unknown>, toText: (message: unknown) => string): Promise<string[]> {
  const texts: string[] = [];
  try {
    for await (const message of stream) texts.push(toText(message));
  } catch {
    // Reported through `closed`.
  }
  return texts;
}

describe.each(framingCases)("$name", (framing) => {
  it("listener.close() stops accepting, delivers every accepted message, closes open streams properly and resolves when all are closed", async () => {
    let closing: Promise<void> | undefined;
    let resolveClosing!: () => void;
    const closeCalled = new Promise<void>((resolve) => {
      resolveClosing = resolve;
    });
    const serverSides: Promise<CloseInfo>[] = [];
    const server = await framing.listen(async (stream) => {
      serverSides.push(stream.closed);
      for await (const message of stream) {
        if (framing.toText(message) !== "flood") continue;
        for (let i = 0; i < MESSAGES; i++) stream.send(framing.toMessage(`${i} ${PADDING}`)).catch(() => {});
        closing = server.close();
        resolveClosing();
      }
    });
    const port = server.address.port;
    const reader = await framing.connect(port);
    const idle = await framing.connect(port);
    await expect.poll(() => server.streams.size, { timeout: 1000 }).toBe(2);
    const readerTexts = drain(reader, framing.toText);
    const idleTexts = drain(idle, framing.toText);

    await reader.send(framing.toMessage("flood"));
    await within(closeCalled, 2000, "the server to call close()");
    // Still draining, already refusing: a connection made now fails.
    await expect(framing.connect(port)).rejects.toMatchObject({ code: "CONNECT_FAILED" });

    await within(closing!, 2000, "listener.close() to resolve");
    expect(server.streams.size).toBe(0);
    for (const info of await Promise.all(serverSides)) expect(info.initiator).toBe("local");

    const texts = await within(readerTexts, 1000, "the reader to end");
    expect(texts).toHaveLength(MESSAGES);
    expect(texts.every((text, i) => text === `${i} ${PADDING}`)).toBe(true);
    expect(await within(idleTexts, 1000, "the idle client to end")).toEqual([]);
    for (const client of [reader, idle]) {
      const info = await within(client.closed, 1000, "the client's stream to close");
      expect(info.error).toBeUndefined();
      expect(info.initiator).toBe("remote");
      if (framing.name === "websocket") expect(info.code).toBe(1001);
    }
  });
});
