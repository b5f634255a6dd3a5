// A session that declares `deliversOneByOne` (a runtime calling back once per message, as Bun's `message`
// handler does) gets its `consume` handler called inside that callback, and every rule of the queue still holds:
// order, no re-entrant handler, the byte bound while a handler waits, and handler errors closing the stream.
import { describe, expect, it } from "vitest";
import { Connection } from "../src/index.ts";
import { ScriptedRuntime } from "./fixtures/scripted-runtime.ts";

function connect(deliversOneByOne: boolean, readableHighWaterMark?: number) {
  const runtime = new ScriptedRuntime<string>(deliversOneByOne);
  const stream = new Connection<string>({
    transport: runtime,
    framing: runtime,
    role: "server",
    options: readableHighWaterMark === undefined ? {} : { readableHighWaterMark },
  });
  return { runtime, stream };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("delivery inside the runtime's per-message callback (deliversOneByOne)", () => {
  it("calls an idle consume handler inside the callback, so its send happens there", async () => {
    const { runtime, stream } = connect(true);
    const seen: Array<[string, boolean]> = [];
    void stream.consume((message) => {
      seen.push([message, runtime.inCallback]);
      return stream.send(`re ${message}`);
    });
    await settle();
    runtime.deliver("a");
    // No await between: the handler and its send already ran.
    expect(seen).toEqual([["a", true]]);
    expect(runtime.sent).toEqual(["re a"]);
  });

  it("leaves a session without the flag to the microtask after decoding (handlers never run in a decode loop)", async () => {
    const { runtime, stream } = connect(false);
    const seen: Array<[string, boolean]> = [];
    void stream.consume((message) => {
      seen.push([message, runtime.inCallback]);
    });
    await settle();
    runtime.deliver("a");
    expect(seen).toEqual([]);
    await settle();
    expect(seen).toEqual([["a", false]]);
  });

  it("queues a message that arrives while the handler runs behind it, never running the handler re-entrantly", async () => {
    const { runtime, stream } = connect(true);
    const events: string[] = [];
    let depth = 0;
    void stream.consume((message) => {
      depth++;
      events.push(`start ${message} depth ${depth}`);
      if (message === "1") runtime.deliver("2");
      events.push(`end ${message}`);
      depth--;
    });
    await settle();
    runtime.deliver("1");
    await settle();
    expect(events).toEqual(["start 1 depth 1", "end 1", "start 2 depth 1", "end 2"]);
  });

  it("while a handler's promise is pending, later messages wait in order and the byte bound pauses the runtime", async () => {
    const { runtime, stream } = connect(true, 4);
    const handled: string[] = [];
    let release!: () => void;
    void stream.consume((message) => {
      handled.push(message);
      if (message === "first") return new Promise<void>((resolve) => (release = resolve));
    });
    await settle();
    runtime.deliver("first");
    runtime.deliver("ab");
    runtime.deliver("cd"); // 4 bytes queued: the mark
    runtime.deliver("e"); // held by the runtime while paused
    expect(handled).toEqual(["first"]);
    expect(runtime.paused).toBe(true);
    expect(runtime.pauses).toBe(1);
    release();
    await settle();
    expect(handled).toEqual(["first", "ab", "cd", "e"]);
    expect(runtime.paused).toBe(false);
    runtime.deliver("f");
    expect(handled.at(-1)).toBe("f");
  });

  it("a message the runtime hands over while resuming (inside the queue's take) is handled after the taken one", async () => {
    const { runtime, stream } = connect(true, 2);
    const handled: string[] = [];
    let release!: () => void;
    void stream.consume((message) => {
      handled.push(message);
      if (message === "wait") return new Promise<void>((resolve) => (release = resolve));
    });
    await settle();
    runtime.deliver("wait");
    runtime.deliver("xy"); // at the mark: paused
    runtime.deliver("held");
    expect(runtime.paused).toBe(true);
    release();
    await settle();
    // Taking "xy" resumes the runtime, which hands "held" over at once: it must not overtake "xy".
    expect(handled).toEqual(["wait", "xy", "held"]);
  });

  it("a handler that throws inside the callback rejects consume and closes the stream", async () => {
    const { runtime, stream } = connect(true);
    const failure = new Error("handler bug");
    const consumed = stream.consume(() => {
      throw failure;
    });
    await settle();
    runtime.deliver("boom");
    await expect(consumed).rejects.toBe(failure);
    expect(stream.readyState).toBe("closed");
  });
});
