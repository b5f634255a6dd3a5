// The inbound queue is bounded in bytes: a reader that stops reading pauses the transport once the decoded
// messages waiting for it hold `readableHighWaterMark` bytes, whatever their count.
import { describe, expect, it } from "vitest";
import type { ByteTransport, Framing, FramingSession, SessionSink, TransportEvents } from "../src/index.ts";
import { Connection, DEFAULT_READABLE_HIGH_WATER_MARK, type StreamOptions } from "../src/index.ts";

/**
 * A runtime that frames by itself, driven by the test (transport, framing and session in one, as a native
 * WebSocket is): it records pause and resume, and delivers what it is told.
 */
class ScriptedTransport<T> implements ByteTransport, Framing<T>, FramingSession<T> {
  readonly name = "test";
  events!: TransportEvents;
  sink!: SessionSink<T>;
  paused = false;
  pauses = 0;
  readonly writable = true;
  open(sink: SessionSink<T>): FramingSession<T> {
    this.sink = sink;
    return this;
  }
  start(events: TransportEvents): void {
    this.events = events;
  }
  receive(): void {}
  receiveEnd(): void {}
  send(): void {}
  write(): boolean {
    return true;
  }
  close(): boolean {
    return false;
  }
  end(): void {
    this.events.transportClosed();
  }
  destroy(): void {
    this.events.transportClosed();
  }
  pause(): void {
    this.paused = true;
    this.pauses++;
  }
  resume(): void {
    this.paused = false;
  }
}

function connectionOver<T>(transport: ScriptedTransport<T>, options?: StreamOptions): Connection<T> {
  return new Connection({ transport, framing: transport, role: "server", options });
}

/** Deliver `message` until the transport pauses (at most `limit` times); returns how many were delivered. */
function deliverUntilPaused<T>(transport: ScriptedTransport<T>, message: T, limit: number, size?: number): number {
  let delivered = 0;
  while (!transport.paused && delivered < limit) {
    transport.sink.message(message, size);
    delivered++;
  }
  return delivered;
}

describe("inbound queue bounded in bytes", () => {
  it("pauses the transport once queued messages hold the default 1 MiB, not after 1024 messages", () => {
    const transport = new ScriptedTransport<Uint8Array>();
    connectionOver(transport);
    const delivered = deliverUntilPaused(transport, new Uint8Array(64 * 1024), 2000);
    expect(DEFAULT_READABLE_HIGH_WATER_MARK).toBe(1024 * 1024);
    expect(delivered).toBe(16);
  });

  it("counts a string by its length", () => {
    const transport = new ScriptedTransport<string>();
    connectionOver(transport, { readableHighWaterMark: 1000 });
    expect(deliverUntilPaused(transport, "x".repeat(100), 2000)).toBe(10);
  });

  it("counts a value that is neither bytes nor a string by the size its framing reported", () => {
    const transport = new ScriptedTransport<unknown>();
    connectionOver(transport, { readableHighWaterMark: 10_000 });
    expect(deliverUntilPaused(transport, { a: 1 }, 2000, 1000)).toBe(10);
  });

  it("admits one message larger than the mark, then pauses", () => {
    const transport = new ScriptedTransport<Uint8Array>();
    connectionOver(transport, { readableHighWaterMark: 1024 });
    transport.sink.message(new Uint8Array(10));
    expect(transport.paused).toBe(false);
    transport.sink.message(new Uint8Array(1024 * 1024));
    expect(transport.paused).toBe(true);
  });

  it("resumes once the reader has taken the queue down to half the mark, and not before", async () => {
    const transport = new ScriptedTransport<Uint8Array>();
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
    const transport = new ScriptedTransport<Uint8Array>();
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
