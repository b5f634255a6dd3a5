// The runtime-neutral keep-alive clock under fake timers: when it pings, when it declares a peer dead, and
// that time paused for a slow reader never counts against the peer. No wall-clock waits.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type Liveness, startKeepAliveClock } from "../../src/adapter/keep-alive.ts";

describe("keep-alive clock", () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  function peer() {
    const state = { lastSeen: Date.now(), paused: false, gone: false };
    const liveness: Liveness = {
      lastSeen: () => state.lastSeen,
      paused: () => state.paused,
      gone: () => state.gone,
    };
    return { state, liveness };
  }

  it("pings after `interval` of quiet, not before, and again after each answered interval", () => {
    const { state, liveness } = peer();
    const ping = vi.fn();
    const stop = startKeepAliveClock(liveness, ping, vi.fn(), { interval: 1000, timeout: 500 });
    vi.advanceTimersByTime(999);
    expect(ping).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(ping).toHaveBeenCalledTimes(1);
    state.lastSeen = Date.now() + 10; // the pong
    vi.advanceTimersByTime(1500);
    expect(ping).toHaveBeenCalledTimes(2);
    stop();
  });

  it("traffic pushes the next ping back: a busy connection is never pinged", () => {
    const { state, liveness } = peer();
    const ping = vi.fn();
    const stop = startKeepAliveClock(liveness, ping, vi.fn(), { interval: 1000, timeout: 500 });
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(600);
      state.lastSeen = Date.now();
    }
    expect(ping).not.toHaveBeenCalled();
    stop();
  });

  it("declares the peer dead with TIMEOUT when nothing arrives within `timeout` of a ping", () => {
    const { liveness } = peer();
    const dead = vi.fn();
    startKeepAliveClock(liveness, vi.fn(), dead, { interval: 1000, timeout: 500 });
    vi.advanceTimersByTime(1499);
    expect(dead).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(dead).toHaveBeenCalledTimes(1);
    expect(dead.mock.calls[0][0]).toMatchObject({ code: "TIMEOUT" });
  });

  it("time paused for a slow reader counts as heard from the peer", () => {
    const { state, liveness } = peer();
    const dead = vi.fn();
    startKeepAliveClock(liveness, vi.fn(), dead, { interval: 1000, timeout: 500 });
    vi.advanceTimersByTime(1000); // ping sent
    state.paused = true; // our reader stopped: the pong may be sitting unread
    vi.advanceTimersByTime(5000);
    expect(dead).not.toHaveBeenCalled();
  });

  it("stops by itself once the connection is gone", () => {
    const { state, liveness } = peer();
    const ping = vi.fn();
    startKeepAliveClock(liveness, ping, vi.fn(), { interval: 1000, timeout: 500 });
    state.gone = true;
    vi.advanceTimersByTime(10_000);
    expect(ping).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });
});
