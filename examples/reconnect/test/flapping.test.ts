// A server that goes away and comes back many times (in this process, on the same port) while the client
// sends without pause: across every reconnect the echoes stay in order and nothing comes back twice, and
// whatever was sent after the last restart all arrives.
import { reconnecting } from "@framed/core";
import { expect, it } from "vitest";
import { type EchoServer, FRAMINGS, listenEcho, openText } from "../framings.ts";

const FLAPS = 6;

async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

it.each(FRAMINGS)(
  `%s: ${FLAPS} restarts under a steady stream of sends: echoes in order, none twice`,
  async (framing) => {
    let server: EchoServer = await listenEcho(framing, 0);
    const port = server.port;
    const stream = reconnecting(() => openText(framing, port), { minDelay: 5, maxDelay: 20, hints: false });
    const echoes: number[] = [];
    const reading = (async () => {
      for await (const message of stream) echoes.push(Number(message));
    })();
    let next = 0;
    let opened = 0;
    stream.onStateChange((state) => {
      if (state.type === "open") opened = state.connection;
    });
    const sendSome = async (count: number) => {
      // A send racing a connection's end may fail or be lost with it (at most once); only order is checked.
      for (let i = 0; i < count; i++) await stream.send(String(next++)).catch(() => {});
    };
    try {
      let dead = 0;
      for (let flap = 0; flap < FLAPS; flap++) {
        await until(() => opened > dead, 5000, `a connection after restart ${flap}`);
        await sendSome(20);
        const closing = server.close();
        await sendSome(20); // racing the close: sent live (and maybe lost with it), or queued
        await closing;
        dead = opened; // every connection so far is closed on the server's side
        await sendSome(20); // queued, or lost with a connection the client has not seen end yet
        server = await listenEcho(framing, port);
      }
      await until(() => opened > dead, 5000, "a connection to the last server");
      const lastStart = next;
      await sendSome(20);
      await until(() => echoes.at(-1) === next - 1, 5000, "the last echo");
      for (let i = 1; i < echoes.length; i++) expect(echoes[i]).toBeGreaterThan(echoes[i - 1] as number);
      expect(echoes.filter((n) => n >= lastStart)).toEqual(Array.from({ length: 20 }, (_, i) => lastStart + i));
    } finally {
      await stream.close();
      await reading;
      await server.close();
    }
  },
);
