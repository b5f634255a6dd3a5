// The reconnecting stream over in-memory connections and a manual clock: backoff, retries, the outbox,
// states, markers and hints, with no wall-clock waits.
import { describe, expect, it } from "vitest";
import {
  type AttemptInfo,
  backoffDelay,
  environmentHints,
  FramedError,
  type FramedStream,
  MAX_BUFFERED_STATES,
  MAX_UNREAD_CONNECTIONS,
  mapMessages,
  type NetworkHint,
  Reconnected,
  type ReconnectOptions,
  type ReconnectState,
  reconnecting,
  resolveBackoff,
  utf8Length,
} from "../src/index.ts";
import { streamPair, within } from "../src/testing/index.ts";
import { ManualClock, settle } from "./fixtures/manual-clock.ts";
import { tinyFraming } from "./fixtures/tiny-framing.ts";

/** An `open` that makes in-memory connections, refuses while `refusal` is set, and keeps each server end. */
function memoryOpener() {
  const servers: FramedStream<string>[] = [];
  const attempts: AttemptInfo[] = [];
  const state = { refusal: undefined as unknown, hang: false };
  const open = async (info: AttemptInfo) => {
    attempts.push(info);
    await null; // decide after the test's synchronous setup, as a network would
    if (state.hang) return new Promise<never>(() => {});
    if (state.refusal !== undefined) throw state.refusal;
    const { client, server } = streamPair(tinyFraming());
    servers.push(server);
    return client;
  };
  return { servers, attempts, state, open };
}

function setup(options: ReconnectOptions<string> = {}) {
  const clock = new ManualClock();
  const opener = memoryOpener();
  const stream = reconnecting(opener.open, { clock, hints: false, minDelay: 100, maxDelay: 1000, ...options });
  const states: ReconnectState[] = [];
  stream.onStateChange((state) => states.push(state));
  return { clock, stream, states, ...opener };
}

async function readN(server: FramedStream<string>, n: number): Promise<string[]> {
  const got: string[] = [];
  const iterator = server[Symbol.asyncIterator]();
  while (got.length < n) {
    const result = await within(iterator.next(), 2000, `message ${got.length + 1} of ${n}`);
    if (result.done) break;
    got.push(result.value);
  }
  await iterator.return?.(); // closes the server end, so the client's close completes at once
  return got;
}

const refused = new FramedError("CONNECT_FAILED", "connection refused");

describe("backoff", () => {
  it("full jitter: a delay lies between minDelay and minDelay × factor^retry, capped at maxDelay", () => {
    const backoff = resolveBackoff({ minDelay: 100, maxDelay: 1000, factor: 2 });
    expect(backoffDelay(1, backoff, 0)).toBe(100);
    expect(backoffDelay(1, backoff, 0.999999)).toBe(200);
    expect(backoffDelay(3, backoff, 0.5)).toBe(450); // 100 + 0.5 × (800 − 100)
    expect(backoffDelay(4, backoff, 0.999999)).toBe(1000); // 1600 capped
    expect(backoffDelay(40, backoff, 0.5)).toBe(550);
  });

  it("rejects bad options with a RangeError naming them", () => {
    expect(() => resolveBackoff({ minDelay: -1 })).toThrow(/minDelay/);
    expect(() => resolveBackoff({ minDelay: 500, maxDelay: 100 })).toThrow(/maxDelay/);
    expect(() => resolveBackoff({ factor: 0.5 })).toThrow(/factor/);
    expect(() => reconnecting(async () => ({}) as never, { maxRetries: -1, hints: false })).toThrow(/maxRetries/);
  });

  it("each retry waits exactly its backoff delay on the injected clock, growing until maxDelay", async () => {
    const { clock, stream, states, attempts, state } = setup({ connectTimeout: 0 });
    state.refusal = refused;
    clock.randomValue = 0.5;
    await settle();
    const delays: number[] = [];
    for (let retry = 1; retry <= 5; retry++) {
      const waiting = stream.state;
      expect(waiting).toMatchObject({ type: "reconnecting", attempt: retry });
      const delay = (waiting as { delay: number }).delay;
      delays.push(delay);
      clock.advance(delay - 1);
      expect(attempts).toHaveLength(retry); // not yet
      clock.advance(1);
      expect(attempts).toHaveLength(retry + 1);
      expect(attempts[retry]?.attempt).toBe(retry);
      await settle();
    }
    expect(delays).toEqual([150, 250, 450, 550, 550]); // 100 + 0.5 × (min(1000, 100 × 2^retry) − 100)
    expect(states.filter((s) => s.type === "connecting")).toHaveLength(5); // the first came before subscribing
    await stream.close();
  });

  it("an attempt that does not open within connectTimeout fails with TIMEOUT, its signal aborts, and it is retried", async () => {
    const { clock, stream, attempts, state } = setup({ connectTimeout: 300 });
    state.hang = true;
    await settle();
    clock.advance(299);
    expect(stream.state.type).toBe("connecting");
    clock.advance(1);
    expect(attempts[0]?.signal.aborted).toBe(true);
    const waiting = stream.state as Extract<ReconnectState, { type: "reconnecting" }>;
    expect(waiting.type).toBe("reconnecting");
    expect((waiting.cause.error as FramedError).code).toBe("TIMEOUT");
    await stream.close();
  });

  it("a connection that stayed up minUptime starts the retry count over; a shorter one does not", async () => {
    const { clock, stream, servers, state } = setup({ minUptime: 1000, connectTimeout: 0 });
    await settle();
    expect(stream.state).toMatchObject({ type: "open", connection: 1 });
    clock.advance(10);
    await servers[0]?.close();
    await settle();
    expect(stream.state).toMatchObject({ type: "reconnecting", attempt: 1 });
    clock.advance(1000);
    await settle();
    expect(stream.state).toMatchObject({ type: "open", connection: 2 });
    clock.advance(10); // up only 10 ms: the count goes on
    await servers[1]?.close();
    await settle();
    expect(stream.state).toMatchObject({ type: "reconnecting", attempt: 2 });
    clock.advance(1000);
    await settle();
    expect(stream.state).toMatchObject({ type: "open", connection: 3 });
    clock.advance(1000); // up minUptime: back to retry 1
    await servers[2]?.close();
    await settle();
    expect(stream.state).toMatchObject({ type: "reconnecting", attempt: 1 });
    state.refusal = refused;
    await stream.close();
  });
});

describe("retries and refusals", () => {
  it("after maxRetries failed retries the stream stops, and reconnect() starts it again", async () => {
    const { clock, stream, attempts, state } = setup({ maxRetries: 2, connectTimeout: 0 });
    state.refusal = refused;
    await settle();
    clock.advance(1000);
    await settle();
    clock.advance(1000);
    await settle();
    expect(attempts).toHaveLength(3); // the first and 2 retries
    expect(stream.state).toMatchObject({ type: "stopped", reason: "retries-exhausted" });
    clock.advance(60_000);
    await settle();
    expect(attempts).toHaveLength(3);
    state.refusal = undefined;
    stream.reconnect();
    await settle();
    expect(attempts).toHaveLength(4);
    expect(attempts[3]?.attempt).toBe(0);
    expect(stream.state).toMatchObject({ type: "open", connection: 1 });
    await stream.close();
  });

  it("by default an HTTP 401 or 403 handshake refusal stops retrying; other failures retry", async () => {
    for (const status of [401, 403]) {
      const { stream, state } = setup();
      state.refusal = new FramedError("HANDSHAKE_FAILED", "refused", { status });
      await settle();
      expect(stream.state).toMatchObject({ type: "stopped", reason: "refused" });
      await stream.close();
    }
    const { stream, state } = setup();
    state.refusal = new FramedError("HANDSHAKE_FAILED", "not found", { status: 404 });
    await settle();
    expect(stream.state.type).toBe("reconnecting");
    await stream.close();
  });

  it("a custom shouldReconnect is asked with the cause and the retry number, and can refuse", async () => {
    const questions: unknown[] = [];
    const { stream, servers } = setup({
      shouldReconnect: (question) => {
        questions.push(question);
        return false;
      },
    });
    await settle();
    await servers[0]?.close();
    await settle();
    expect(questions).toEqual([{ closeInfo: { initiator: "remote" }, attempt: 1 }]);
    expect(stream.state).toMatchObject({ type: "stopped", reason: "refused" });
    await stream.close();
  });

  it("reconnect() on an open stream closes that connection and opens another at once", async () => {
    const { stream, servers, attempts } = setup();
    await settle();
    stream.reconnect();
    await settle();
    expect(attempts).toHaveLength(2);
    expect(attempts[1]?.cause?.closeInfo?.initiator).toBe("local");
    expect(stream.state).toMatchObject({ type: "open", connection: 2 });
    await expect(within(servers[0]?.closed as Promise<unknown>, 2000, "old connection closed")).resolves.toMatchObject({
      initiator: "remote",
    });
    await stream.close();
  });
});

describe("the outbox", () => {
  it("send resolves 'sent' on a live connection and 'queued' while disconnected; queued messages go out first, in order", async () => {
    const { clock, stream, servers, state } = setup();
    state.refusal = refused;
    await settle();
    expect(await stream.sendOrQueue("q1")).toBe("queued");
    expect(await stream.sendOrQueue("q2")).toBe("queued");
    expect(stream.queued).toEqual({ messages: 2, bytes: 4 });
    state.refusal = undefined;
    clock.advance(1000);
    await settle();
    expect(stream.state.type).toBe("open");
    expect(stream.queued.messages).toBe(0);
    expect(await stream.sendOrQueue("live")).toBe("sent");
    expect(await readN(servers[0] as FramedStream<string>, 3)).toEqual(["q1", "q2", "live"]);
    await stream.close();
  });

  it("policy reject: a send past maxMessages fails with OUTBOX_FULL and keeps what is queued", async () => {
    const { stream, state } = setup({ outbox: { maxMessages: 2 } });
    state.refusal = refused;
    await settle();
    await stream.send("a");
    await stream.send("b");
    await expect(stream.send("c")).rejects.toMatchObject({ code: "OUTBOX_FULL" });
    expect(stream.queued.messages).toBe(2);
    await expect(stream.close()).resolves.toBeDefined();
    expect(stream.state).toMatchObject({ type: "closed", unsent: 2 });
  });

  it("policy reject: a send past maxBytes fails with OUTBOX_FULL; so does one message larger than the outbox", async () => {
    const { stream, state } = setup({ outbox: { maxBytes: 10 } });
    state.refusal = refused;
    await settle();
    await stream.send("12345678");
    await expect(stream.send("123")).rejects.toMatchObject({ code: "OUTBOX_FULL" });
    await stream.send("12"); // fits exactly
    await expect(stream.send("x".repeat(11))).rejects.toThrow(/11 bytes/);
    expect(stream.queued).toEqual({ messages: 2, bytes: 10 });
    await stream.close();
  });

  it("policy drop-oldest: past maxMessages or maxBytes the oldest go, reported to onDrop in order", async () => {
    const dropped: string[][] = [];
    const { clock, stream, servers, state } = setup({
      outbox: { maxMessages: 3, maxBytes: 8, policy: "drop-oldest" },
      onDrop: (messages) => dropped.push(messages),
    });
    state.refusal = refused;
    await settle();
    for (const m of ["a", "b", "c", "d"]) expect(await stream.sendOrQueue(m)).toBe("queued");
    expect(dropped).toEqual([["a"]]);
    await stream.send("123456"); // b, c, d + 6 bytes = 9 > 8: b goes
    expect(dropped).toEqual([["a"], ["b"]]);
    expect(stream.queued).toEqual({ messages: 3, bytes: 8 });
    await expect(stream.send("x".repeat(9))).rejects.toMatchObject({ code: "OUTBOX_FULL" });
    state.refusal = undefined;
    clock.advance(1000);
    await settle();
    expect(await readN(servers[0] as FramedStream<string>, 3)).toEqual(["c", "d", "123456"]);
    await stream.close();
  });

  it("bytes are counted as UTF-8", () => {
    expect(utf8Length("aé€😀")).toBe(1 + 2 + 3 + 4);
    expect(utf8Length("\ud800x")).toBe(4); // a lone surrogate is written as U+FFFD
  });

  it("{ queue: false } refuses to queue with NOT_CONNECTED; after close() sends reject with CLOSED", async () => {
    const { stream, state } = setup();
    state.refusal = refused;
    await settle();
    await expect(stream.send("x", { queue: false })).rejects.toMatchObject({ code: "NOT_CONNECTED" });
    expect(stream.queued.messages).toBe(0);
    await stream.close();
    await expect(stream.send("x")).rejects.toMatchObject({ code: "CLOSED" });
    expect(() => stream.reconnect()).toThrow(FramedError);
  });
});

describe("states and messages across reconnects", () => {
  it("listeners see every change synchronously; states() yields the same, ending after closed", async () => {
    const { clock, stream, servers, states } = setup();
    const iterated = (async () => {
      const seen: string[] = [];
      for await (const state of stream.states()) seen.push(state.type);
      return seen;
    })();
    await settle();
    await servers[0]?.close();
    await settle();
    const seenSync: string[] = [];
    const off = stream.onStateChange((s) => seenSync.push(s.type));
    clock.advance(1000);
    expect(seenSync).toEqual(["connecting"]); // told inside advance(), not later
    off();
    await settle();
    await stream.close();
    const types = states.map((s) => s.type);
    expect(types).toEqual(["open", "reconnecting", "connecting", "open", "closed"]);
    expect(await within(iterated, 2000, "states() to end")).toEqual(["connecting", ...types]);
  });

  it("iteration goes on across reconnects, and markers show where each reconnect happened", async () => {
    const { clock, stream, servers } = setup();
    const items: unknown[] = [];
    const reading = (async () => {
      for await (const item of stream.iterate({ markers: true })) {
        items.push(item instanceof Reconnected ? `reconnected ${item.connection}` : item);
      }
    })();
    await settle();
    await servers[0]?.send("one");
    await servers[0]?.send("two");
    await servers[0]?.close();
    await settle();
    clock.advance(1000);
    await settle();
    await servers[1]?.send("three");
    await settle();
    await stream.close();
    await within(reading, 2000, "iteration to end");
    expect(items).toEqual(["one", "two", "reconnected 2", "three"]);
  });

  it("leaving a for await loop early closes the stream for good", async () => {
    const { stream, servers } = setup();
    await settle();
    await servers[0]?.send("hello");
    for await (const message of stream) {
      expect(message).toBe("hello");
      break;
    }
    await within(stream.closed, 2000, "closed");
    expect(stream.state.type).toBe("closed");
  });
});

describe("network hints", () => {
  function fakeHints() {
    const listeners = new Set<(hint: NetworkHint) => void>();
    const hints = {
      online: true,
      isOnline: () => hints.online,
      subscribe: (listener: (hint: NetworkHint) => void) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      emit: (hint: NetworkHint) => {
        for (const listener of listeners) listener(hint);
      },
      get listeners() {
        return listeners.size;
      },
    };
    return hints;
  }

  it("offline pauses the wait (no attempt burns while offline); online retries at once", async () => {
    const hints = fakeHints();
    const { clock, stream, attempts, state } = setup({ hints });
    state.refusal = refused;
    await settle();
    hints.online = false;
    hints.emit("offline");
    expect(stream.state).toMatchObject({ type: "reconnecting", offline: true });
    clock.advance(60_000);
    expect(attempts).toHaveLength(1);
    state.refusal = undefined;
    hints.online = true;
    hints.emit("online");
    await settle();
    expect(attempts).toHaveLength(2);
    expect(stream.state.type).toBe("open");
    await stream.close();
    expect(hints.listeners).toBe(0);
  });

  it("a page becoming visible skips the rest of the wait", async () => {
    const hints = fakeHints();
    const { stream, attempts, state } = setup({ hints });
    state.refusal = refused;
    await settle();
    expect(stream.state.type).toBe("reconnecting");
    hints.emit("visible");
    expect(attempts).toHaveLength(2);
    await stream.close();
  });

  it("environmentHints reads online/offline events and visibilitychange from a window-like scope", () => {
    const target = new EventTarget();
    const documentTarget = Object.assign(new EventTarget(), { visibilityState: "hidden" });
    const scope = {
      addEventListener: target.addEventListener.bind(target),
      removeEventListener: target.removeEventListener.bind(target),
      navigator: { onLine: false },
      document: documentTarget,
    };
    const hints = environmentHints(scope);
    expect(hints.isOnline()).toBe(false);
    const seen: NetworkHint[] = [];
    const off = hints.subscribe((hint) => seen.push(hint));
    target.dispatchEvent(new Event("online"));
    target.dispatchEvent(new Event("offline"));
    documentTarget.dispatchEvent(new Event("visibilitychange")); // still hidden: no hint
    documentTarget.visibilityState = "visible";
    documentTarget.dispatchEvent(new Event("visibilitychange"));
    off();
    target.dispatchEvent(new Event("online"));
    expect(seen).toEqual(["online", "offline", "visible"]);
    expect(environmentHints({}).isOnline()).toBe(true);
  });
});

describe("bounds and teardown", () => {
  it(`a reader more than ${MAX_UNREAD_CONNECTIONS} closed connections behind loses the oldest one's messages, with a warning`, async () => {
    const { clock, stream, servers } = setup();
    const warnings: FramedError[] = [];
    stream.onWarning((error) => warnings.push(error));
    const connections = MAX_UNREAD_CONNECTIONS + 2;
    for (let i = 0; i < connections; i++) {
      await settle();
      await servers[i]?.send(`from ${i + 1}`);
      await servers[i]?.close();
      await settle();
      if (i < connections - 1) clock.advance(1000);
    }
    expect(warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/connection 1 were dropped/),
      expect.stringMatching(/connection 2 were dropped/),
    ]);
    const close = stream.close();
    const read: string[] = [];
    for await (const message of stream) read.push(message);
    await close;
    expect(read).toEqual(["from 3", "from 4", "from 5", "from 6"]);
  });

  it("close() while an attempt runs aborts its signal, and a connection that opens too late is torn down", async () => {
    const { stream, attempts, state } = setup();
    state.hang = true;
    await settle();
    const closing = stream.close();
    expect(attempts[0]?.signal.aborted).toBe(true);
    await expect(closing).resolves.toEqual({ initiator: "local", code: undefined, reason: undefined });
    expect(stream.state).toMatchObject({ type: "closed", unsent: 0 });

    const { client, server } = streamPair(tinyFraming());
    let late: (value: typeof client) => void = () => {};
    const slow = reconnecting<string>(() => new Promise((resolve) => (late = resolve)), { hints: false });
    await slow.close();
    late(client);
    await settle();
    expect(await within(server.closed, 2000, "the late connection torn down")).toMatchObject({});
    expect(slow.state.type).toBe("closed");
  });

  it("abort() tears the live connection down without flushing and ends the stream", async () => {
    const { stream, servers } = setup();
    await settle();
    stream.abort();
    await within(stream.closed, 2000, "closed");
    expect(stream.state.type).toBe("closed");
    expect((await within(servers[0]?.closed as Promise<{ initiator: string }>, 2000, "server end")).initiator).not.toBe(
      "local",
    );
  });
});

describe("the other ways to read", () => {
  it("consume() and the readable view go on across reconnects; consume resolves at close()", async () => {
    for (const way of ["consume", "readable"] as const) {
      const { clock, stream, servers } = setup();
      const got: string[] = [];
      const reading =
        way === "consume"
          ? stream.consume((message) => void got.push(message))
          : (async () => {
              const reader = stream.readable.getReader();
              for (;;) {
                const { value, done } = await reader.read();
                if (done) return;
                got.push(value);
              }
            })();
      await settle();
      await servers[0]?.send("a");
      await servers[0]?.close();
      await settle();
      clock.advance(1000);
      await settle();
      await servers[1]?.send("b");
      await settle();
      expect(got).toEqual(["a", "b"]);
      await stream.close();
      await within(reading, 2000, `${way} to end`);
    }
  });

  it(`a states() reader that does not read keeps only the latest ${MAX_BUFFERED_STATES} changes`, async () => {
    const { clock, stream, state } = setup({ maxDelay: 100, connectTimeout: 0 });
    state.refusal = refused;
    const states = stream.states(); // holds "connecting" from the start
    await settle();
    for (let i = 0; i < 50; i++) {
      clock.advance(100);
      await settle();
    }
    await stream.close();
    const seen: ReconnectState[] = [];
    for await (const s of states) seen.push(s);
    expect(seen).toHaveLength(MAX_BUFFERED_STATES);
    expect(seen.at(-1)?.type).toBe("closed");
    expect(seen.at(-2)).toMatchObject({ type: "reconnecting", attempt: 51 });
  });
});

describe("a connection that is ending", () => {
  it("a send it refuses at once (before its closed comes) is queued for the next connection; one refused later is not re-sent", async () => {
    const clock = new ManualClock();
    const servers: FramedStream<string>[] = [];
    let refuse: "at once" | "later" | undefined;
    const stream = reconnecting<string>(
      async () => {
        const { client, server } = streamPair(tinyFraming());
        servers.push(server);
        const view = mapMessages(client, { decode: (m: string) => m, encode: (m: string) => m });
        const send = view.send.bind(view);
        view.send = (message) => {
          if (refuse === "at once") return Promise.reject(new FramedError("CLOSED", "ending"));
          if (refuse === "later")
            return new Promise((_, reject) => setTimeout(() => reject(new FramedError("CLOSED", "x"))));
          return send(message);
        };
        return view;
      },
      { clock, hints: false, minDelay: 100 },
    );
    await settle();
    refuse = "later";
    await expect(stream.sendOrQueue("written, then failed")).rejects.toMatchObject({ code: "CLOSED" });
    expect(stream.queued.messages).toBe(0);
    refuse = "at once";
    expect(await stream.sendOrQueue("first")).toBe("queued");
    expect(await stream.sendOrQueue("second")).toBe("queued");
    expect(stream.state.type).toBe("open"); // its closed has not come yet: the states wait for it
    refuse = undefined;
    await servers[0]?.close();
    await settle();
    expect(stream.state.type).toBe("reconnecting");
    clock.advance(1000);
    await settle();
    expect(await readN(servers[1] as FramedStream<string>, 2)).toEqual(["first", "second"]);
    await stream.close();
  });
});
