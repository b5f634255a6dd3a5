// The connection clock, driven by injected timers: every deadline (idle, message, close, keep-alive) on one
// timer, silence while reading is paused never counted against the peer.
import { describe, expect, it } from "vitest";
import { type ClockOwner, type ClockSettings, ConnectionClock } from "../src/connection-clock.ts";
import * as key from "../src/connection-keys.ts";
import { Connection, type FramedError } from "../src/index.ts";
import { ManualClock } from "./fixtures/manual-clock.ts";
import { ScriptedRuntime } from "./fixtures/scripted-runtime.ts";

class Owner implements ClockOwner {
  readonly framing = "test";
  readingPaused = false;
  inputEnded = false;
  midMessage = false;
  failures: FramedError[] = [];
  closeFailures: FramedError[] = [];
  pings = 0;
  pingThrows = false;

  get [key.readingPaused](): boolean {
    return this.readingPaused;
  }

  get [key.inputEnded](): boolean {
    return this.inputEnded;
  }

  get [key.midMessage](): boolean {
    return this.midMessage;
  }

  [key.timedOut](error: FramedError): void {
    this.failures.push(error);
  }

  [key.closeTimedOut](error: FramedError): void {
    this.closeFailures.push(error);
  }

  [key.keepAlivePing](): void {
    if (this.pingThrows) throw new Error("closing");
    this.pings++;
  }
}

function start(settings: ClockSettings): { owner: Owner; timers: ManualClock; clock: ConnectionClock } {
  const owner = new Owner();
  const timers = new ManualClock(); // time starts at 0: no deadline may treat 0 as "unset"
  const clock = new ConnectionClock(owner, { ...settings, timers });
  return { owner, timers, clock };
}

describe("connection clock", () => {
  it("idleTimeout fails a silent peer once the timeout passes, and not a moment before", () => {
    const { owner, timers } = start({ idleTimeout: 100 });
    timers.advance(99);
    expect(owner.failures).toHaveLength(0);
    timers.advance(1);
    expect(owner.failures.map((error) => error.message)).toEqual(["test stream idle for 100 ms"]);
  });

  it("bytes heard push the idle deadline back without setting a new timer", () => {
    const { owner, timers, clock } = start({ idleTimeout: 100 });
    timers.advance(80);
    clock.heard();
    expect(timers.pending).toBe(1);
    timers.advance(80);
    expect(owner.failures).toHaveLength(0);
    timers.advance(20);
    expect(owner.failures).toHaveLength(1);
  });

  it("time while reading is paused for a slow reader does not count as the peer's silence", () => {
    const { owner, timers, clock } = start({ idleTimeout: 100 });
    owner.readingPaused = true;
    timers.advance(500);
    expect(owner.failures).toHaveLength(0);
    owner.readingPaused = false;
    clock.resumed();
    timers.advance(99);
    expect(owner.failures).toHaveLength(0);
    timers.advance(1);
    expect(owner.failures).toHaveLength(1);
  });

  it("messageTimeout fails a message trickled slower than the timeout, however often bytes come", () => {
    const { owner, timers, clock } = start({ messageTimeout: 100 });
    owner.midMessage = true;
    for (let i = 0; i < 9; i++) {
      clock.heard();
      timers.advance(10);
    }
    expect(owner.failures).toHaveLength(0);
    clock.heard();
    timers.advance(10);
    expect(owner.failures[0]?.message).toMatch(/message still incomplete after 100 ms/);
  });

  it("a message that began after the previous one finished gets its own messageTimeout", () => {
    const { owner, timers, clock } = start({ messageTimeout: 100 });
    owner.midMessage = true;
    clock.heard();
    timers.advance(90);
    clock.messageDelivered(false); // the first finished and a second began in the same chunk
    clock.heard();
    timers.advance(90);
    expect(owner.failures).toHaveLength(0);
    timers.advance(10);
    expect(owner.failures).toHaveLength(1);
  });

  it("a finished message stops the message clock", () => {
    const { owner, timers, clock } = start({ messageTimeout: 100 });
    owner.midMessage = true;
    clock.heard();
    owner.midMessage = false;
    timers.advance(50);
    clock.heard();
    timers.advance(1000);
    expect(owner.failures).toHaveLength(0);
  });

  it("the close deadline reports through closeTimedOut after closeTimeout", () => {
    const { owner, timers, clock } = start({ closeTimeout: 300 });
    clock.closing();
    timers.advance(299);
    expect(owner.closeFailures).toHaveLength(0);
    timers.advance(1);
    expect(owner.closeFailures[0]?.message).toBe("test close did not complete within 300 ms");
    expect(timers.pending).toBe(0);
  });

  it("keep-alive pings after a quiet interval, and a reply in time keeps the connection", () => {
    const { owner, timers, clock } = start({ keepAlive: { interval: 1000, timeout: 200 } });
    timers.advance(1000);
    expect(owner.pings).toBe(1);
    timers.advance(100);
    clock.heard(); // the pong
    timers.advance(500);
    expect(owner.failures).toHaveLength(0);
    expect(owner.pings).toBe(1);
    timers.advance(500);
    expect(owner.pings).toBe(2);
  });

  it("keep-alive declares the peer dead when nothing comes back within the timeout after a ping", () => {
    const { owner, timers } = start({ keepAlive: { interval: 1000, timeout: 200 } });
    timers.advance(1199);
    expect(owner.failures).toHaveLength(0);
    timers.advance(1);
    expect(owner.failures[0]?.message).toBe("no reply to a keep-alive ping within 200 ms: connection is dead");
  });

  it("keep-alive does not ping while traffic flows", () => {
    const { owner, timers, clock } = start({ keepAlive: { interval: 1000, timeout: 200 } });
    for (let i = 0; i < 20; i++) {
      timers.advance(500);
      clock.heard();
    }
    expect(owner.pings).toBe(0);
  });

  it("keep-alive counts time paused for a slow reader as heard from the peer: no ping, no death", () => {
    const { owner, timers, clock } = start({ keepAlive: { interval: 1000, timeout: 200 } });
    timers.advance(1000);
    expect(owner.pings).toBe(1);
    owner.readingPaused = true; // the pong cannot arrive while we do not read
    timers.advance(10_000);
    expect(owner.failures).toHaveLength(0);
    expect(owner.pings).toBe(1);
    owner.readingPaused = false;
    clock.resumed();
    timers.advance(1000);
    expect(owner.pings).toBe(2);
  });

  it("a ping refused because the connection is closing stops keep-alive instead of spinning", () => {
    const { owner, timers } = start({ keepAlive: { interval: 1000, timeout: 200 } });
    owner.pingThrows = true;
    timers.advance(1000);
    expect(timers.pending).toBe(0);
    timers.advance(10_000);
    expect(owner.failures).toHaveLength(0);
  });

  it("after the input ended only the close deadline is kept", () => {
    const { owner, timers, clock } = start({ idleTimeout: 100, keepAlive: { interval: 50, timeout: 50 } });
    owner.inputEnded = true;
    clock.closing();
    timers.advance(4999);
    expect(owner.failures).toHaveLength(0);
    expect(owner.pings).toBe(0);
    timers.advance(1);
    expect(owner.closeFailures).toHaveLength(1);
  });

  it("a runtime that frames by itself keeps its connection from idling out with messages alone", () => {
    const timers = new ManualClock();
    const runtime = new ScriptedRuntime<string>();
    const stream = new Connection({
      transport: runtime,
      framing: runtime,
      role: "server",
      options: { idleTimeout: 100, timers },
    });
    for (let i = 0; i < 5; i++) {
      timers.advance(60);
      runtime.deliver("still here"); // no bytes reach the connection, only messages
    }
    expect(stream.readyState).toBe("open");
    timers.advance(100);
    expect(stream.readyState).toBe("closed");
  });

  it("stop clears the one timer", () => {
    const { timers, clock } = start({ idleTimeout: 100, messageTimeout: 50, keepAlive: { interval: 30, timeout: 30 } });
    expect(timers.pending).toBe(1);
    clock.stop();
    expect(timers.pending).toBe(0);
  });
});
