// The inbound queue is bounded in bytes: a reader that stops reading pauses the transport once the decoded
// messages waiting for it hold `readableHighWaterMark` bytes, whatever their count.
import { describe, expect, it } from "vitest";
import { Connection, DEFAULT_READABLE_HIGH_WATER_MARK, type StreamOptions } from "../src/index.ts";
import { ScriptedRuntime } from "./fixtures/scripted-runtime.ts";

function connectionOver<T>(transport: ScriptedRuntime<T>, options?: StreamOptions): Connection<T> {
  return new Connection({ transport, framing: transport, role: "server", options });
}

/** Deliver `message` until the transport pauses (at most `limit` times); returns how many were delivered. */
function deliverUntilPaused<T>(transport: ScriptedRuntime<T>, message: T, limit: number, size?: number): number {
  let delivered = 0;
  while (!transport.paused && delivered < limit) {
    transport.sink.message(message, size);
    delivered++;
  }
  return delivered;
}

describe("inbound queue bounded in bytes", () => {
  it("pauses the transport once queued messages hold the default 1 MiB, not after 1024 messages", () => {
    const transport = new ScriptedRuntime<Uint8Array>();
    connectionOver(transport);
    const delivered = deliverUntilPaused(transport, new Uint8Array(64 * 1024), 2000);
    expect(DEFAULT_READABLE_HIGH_WATER_MARK).toBe(1024 * 1024);
    expect(delivered).toBe(16);
  });

  it("counts a string by its length", () => {
    const transport = new ScriptedRuntime<string>();
    connectionOver(transport, { readableHighWaterMark: 1000 });
    expect(deliverUntilPaused(transport, "x".repeat(100), 2000)).toBe(10);
  });

  it("counts a value that is neither bytes nor a string by the size its framing reported", () => {
    const transport = new ScriptedRuntime<unknown>();
    connectionOver(transport, { readableHighWaterMark: 10_000 });
    expect(deliverUntilPaused(transport, { a: 1 }, 2000, 1000)).toBe(10);
  });

  it("admits one message larger than the mark, then pauses", () => {
    const transport = new ScriptedRuntime<Uint8Array>();
    connectionOver(transport, { readableHighWaterMark: 1024 });
    transport.sink.message(new Uint8Array(10));
    expect(transport.paused).toBe(false);
    transport.sink.message(new Uint8Array(1024 * 1024));
    expect(transport.paused).toBe(true);
  });

  it("resumes once the reader has taken the queue down to half the mark, and not before", async () => {
    const transport = new ScriptedRuntime<Uint8Array>();
    const stream = connectionOver(transport, { readableHighWaterMark: 1000 });
    expect(deliverUntilPaused(transport, new Uint8Array(100), 100)).toBe(10);
    const iterator = stream[Symbol.asyncIterator]();
    for (let i = 0; i < 4; i++) await iterator.next();
    expect(transport.paused).toBe(true); // 600 bytes still queued
    await iterator.next();
    expect(transport.paused).toBe(false); // 500: half the mark
    expect(transport.pauses).toBe(1);
  });

  it("a message handed to a waiting reader is never counted", async () => {
    const transport = new ScriptedRuntime<Uint8Array>();
    const stream = connectionOver(transport, { readableHighWaterMark: 1000 });
    const iterator = stream[Symbol.asyncIterator]();
    for (let i = 0; i < 50; i++) {
      const next = iterator.next();
      transport.sink.message(new Uint8Array(100));
      await next;
    }
    expect(transport.pauses).toBe(0);
  });
});
