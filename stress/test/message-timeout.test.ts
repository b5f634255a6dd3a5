// messageTimeout on every framing's Node listener: a peer that trickles a message byte by byte, never idle,
// is dropped with TIMEOUT (slowloris on a header or body), while peers whose messages each arrive in time stay
// open, even when every chunk they send ends in the middle of a message.
import type { CloseInfo, Listener } from "@framed/core";
import { encodeMessages, within } from "@framed/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { framingCases } from "./framings.ts";

const MESSAGE_TIMEOUT = 400;
const IDLE_TIMEOUT = 250;
const TRICKLE_EVERY = 50;

const listeners: Listener<unknown>[] = [];
afterEach(async () => {
  await Promise.all(listeners.splice(0).map((listener) => listener.close()));
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(framingCases)("$name", (framing) => {
  it("a peer trickling one message a byte at a time, never idle, is dropped at messageTimeout with TIMEOUT", async () => {
    const closedByPort = new Map<number | undefined, Promise<CloseInfo>>();
    const server = await framing.listen(
      async (stream, socket) => {
        closedByPort.set(socket.remotePort, stream.closed);
        try {
          for await (const message of stream) await stream.send(message);
        } catch {
          // Checked through `closed`.
        }
      },
      { messageTimeout: MESSAGE_TIMEOUT, idleTimeout: IDLE_TIMEOUT },
    );
    listeners.push(server);
    const slow = await framing.rawConnect(server.address.port);
    // Closed by the server, with a FIN or (bytes of ours still unread when it let go) a reset: either is a close.
    slow.on("error", () => {});
    const slowClosed = new Promise((resolve) => slow.once("close", resolve));
    const started = Date.now();
    slow.write(framing.unfinishedFromClient);
    const slowPort = slow.localPort;
    await expect.poll(() => closedByPort.has(slowPort), { timeout: 1000 }).toBe(true);

    // One more byte every 50 ms: far more often than idleTimeout, never completing the message (each framing's
    // unfinished message declares 100 bytes or waits for a delimiter that never comes).
    let trickled = 0;
    while (!slow.destroyed && trickled < 40 && Date.now() - started < 3000) {
      slow.write(Uint8Array.of(0x61));
      trickled++;
      await sleep(TRICKLE_EVERY);
    }

    const info = await within(closedByPort.get(slowPort)!, 1000, "the trickling stream to close");
    await within(slowClosed, 1000, "the trickling socket to be closed by the server");
    expect(info.initiator).toBe("error");
    expect(info.error?.code).toBe("TIMEOUT");
    expect(info.error?.message).toContain("messageTimeout");
    // Dropped by the message clock, not the idle one (which the trickle kept resetting).
    expect(Date.now() - started).toBeGreaterThanOrEqual(MESSAGE_TIMEOUT - 50);
    expect(trickled).toBeGreaterThan(MESSAGE_TIMEOUT / TRICKLE_EVERY / 2);
  });

  it("a peer whose every chunk ends mid-message, each message finished in time, stays open past messageTimeout", async () => {
    let received = 0;
    let closed: Promise<CloseInfo> | undefined;
    const server = await framing.listen(
      async (stream) => {
        closed = stream.closed;
        try {
          for await (const _ of stream) received++;
        } catch {
          // A failure shows up in `closed` below.
        }
      },
      { messageTimeout: MESSAGE_TIMEOUT },
    );
    listeners.push(server);
    const peer = await framing.rawConnect(server.address.port);
    const started = Date.now();
    // Each write holds the second half of one message and the first half of the next, 100 ms apart, for about
    // 2.5× messageTimeout: the server is mid-message after every chunk, yet no message takes longer than 100 ms.
    const messages = Array.from({ length: 11 }, (_, i) => framing.toMessage(`message ${i} `.padEnd(200, "x")));
    const bytes = encodeMessages(framing.framing(), messages, "client");
    const piece = Math.ceil(bytes.length / messages.length);
    for (let at = 0; at < bytes.length; at += piece) {
      peer.write(bytes.subarray(at, Math.min(at + piece + Math.floor(piece / 2), bytes.length)));
      at += Math.floor(piece / 2);
      await sleep(100);
    }
    await expect.poll(() => received, { timeout: 1000 }).toBe(messages.length);
    expect(Date.now() - started).toBeGreaterThan(MESSAGE_TIMEOUT * 2);
    const outcome = await Promise.race([closed, sleep(50).then(() => "open")]);
    expect(outcome).toBe("open");
    peer.destroy();
  });
});
