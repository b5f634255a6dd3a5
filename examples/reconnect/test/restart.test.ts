// A server in a child process is killed (SIGKILL) and started again on the same port while a reconnecting
// client sends, over newline and length-prefix TCP and WebSocket: what was sent live, what was queued during
// the outage and what was sent after it all come back once, in order.
import { reconnecting } from "@framed/core";
import { within } from "@framed/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { FRAMINGS, openText } from "../framings.ts";
import { ServerProcess } from "../server-process.ts";

const servers: ServerProcess[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.kill();
});

/** Poll `condition` every 10 ms, failing after `ms` with what was awaited. */
async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.each(FRAMINGS)("reconnecting over %s with a server that is killed and restarted", (framing) => {
  it("messages queued during the outage arrive in order after the restart, before later ones; none twice", async () => {
    const server = new ServerProcess(framing);
    servers.push(server);
    const port = await server.start();
    const stream = reconnecting(() => openText(framing, port), { minDelay: 20, maxDelay: 200, connectTimeout: 5000 });
    const echoes: string[] = [];
    const reading = (async () => {
      for await (const message of stream) echoes.push(message);
    })();
    const results: string[] = [];
    const send = async (from: number, to: number) => {
      for (let i = from; i <= to; i++) results.push(await stream.sendOrQueue(`m${i}`));
    };

    await until(() => stream.state.type === "open", 5000, "the first connection");
    await send(1, 5);
    await until(() => echoes.length === 5, 5000, "echoes of m1..m5");

    await server.kill();
    await until(() => stream.state.type === "reconnecting", 5000, "the client to notice the outage");
    await send(6, 10);
    expect(results.slice(5)).toEqual(["queued", "queued", "queued", "queued", "queued"]);
    expect(stream.queued.messages).toBe(5);

    // The first send after the reconnect is made from inside the `open` change: the queue is already out.
    let sentOnOpen: Promise<string> | undefined;
    const off = stream.onStateChange((state) => {
      if (state.type === "open") sentOnOpen = stream.sendOrQueue("m11");
    });
    await server.start();
    await until(() => sentOnOpen !== undefined, 10_000, "the second connection");
    off();
    expect(await sentOnOpen).toBe("sent");
    await send(12, 15);
    await until(() => echoes.length >= 15, 5000, "echoes of m6..m15");

    const expected = Array.from({ length: 15 }, (_, i) => `m${i + 1}`);
    expect(echoes).toEqual(expected);
    expect(results.slice(0, 5)).toEqual(["sent", "sent", "sent", "sent", "sent"]);
    expect(results.slice(10)).toEqual(["sent", "sent", "sent", "sent"]);
    await stream.close();
    await within(reading, 5000, "iteration to end after close()");
    expect(echoes).toEqual(expected); // nothing arrived late, nothing twice
  }, 60_000); // two cold starts of a Node child on a loaded machine
});
