// The opening handshake's deadline: one timer from the handshake's time left, on injected timers.
import type { Timers } from "@framed/core";
import { describe, expect, it } from "vitest";
import { openingDeadline } from "../../src/adapter/open-stream.ts";

/** Timers that move only when told. */
class ManualTimers implements Timers {
  time = 0;
  private timers = new Map<number, { at: number; callback: () => void }>();
  private nextId = 1;

  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + ms, callback });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  get pending(): number {
    return this.timers.size;
  }
  advance(ms: number): void {
    this.time += ms;
    for (const [id, timer] of [...this.timers]) {
      if (timer.at > this.time) continue;
      this.timers.delete(id);
      timer.callback();
    }
  }
}

const leaving = (ms: number | undefined) => ({ timeUntilDeadline: () => ms });

describe("opening deadline", () => {
  it("expires once after the handshake's time left, and never once stopped", () => {
    const timers = new ManualTimers();
    let expired = 0;
    openingDeadline(leaving(500), () => expired++, timers);
    timers.advance(499);
    expect(expired).toBe(0);
    timers.advance(1);
    expect(expired).toBe(1);
    timers.advance(10_000);
    expect(expired).toBe(1);
    expect(timers.pending).toBe(0);
    const stopped = openingDeadline(leaving(500), () => expired++, timers);
    timers.advance(200);
    stopped?.stop();
    timers.advance(10_000);
    expect(expired).toBe(1);
    expect(timers.pending).toBe(0);
  });

  it("a handshake already past its deadline expires on the next timer turn; one without a deadline gets none", () => {
    const timers = new ManualTimers();
    let expired = 0;
    openingDeadline(leaving(0), () => expired++, timers);
    expect(expired).toBe(0);
    timers.advance(1);
    expect(expired).toBe(1);
    expect(openingDeadline(leaving(undefined), () => expired++, timers)).toBeUndefined();
    expect(timers.pending).toBe(0);
  });
});
