// idleTimeout on every framing's Node listener: a peer that stops mid-message and goes silent is dropped with
// TIMEOUT, while a connection that keeps talking past the same timeout is untouched.
import type { CloseInfo, Listener } from "@framed/core";
import { within } from "@framed/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { framingCases } from "./framings.ts";

const IDLE_TIMEOUT = 300;

const listeners: Listener<unknown>[] = [];
afterEach(async () => {
  await Promise.all(listeners.splice(0).map((listener) => listener.close()));
});

describe.each(framingCases)("$name", (framing) => {
  it("a peer silent after half a message is dropped at idleTimeout with TIMEOUT; a talking peer stays open", async () => {
    const closedByPort = new Map<number | undefined, Promise<CloseInfo>>();
    const server = await framing.listen(
      async (stream, socket) => {
        closedByPort.set(socket.remotePort, stream.closed);
        try {
          for await (const message of stream) await stream.send(message);
        } catch {
          // The silent peer's TIMEOUT is checked through `closed`.
        }
      },
      { idleTimeout: IDLE_TIMEOUT },
    );
    listeners.push(server);
    const port = server.address.port;
    const talker = await framing.connect(port);
    const talkerReplies = talker[Symbol.asyncIterator]();

    const silent = await framing.rawConnect(port);
    // Closed by the server, with a FIN or (bytes of ours still unread when it let go) a reset: either is a close.
    silent.on("error", () => {});
    const silentClosed = new Promise((resolve) => silent.once("close", resolve));
    silent.write(framing.unfinishedFromClient);
    const started = Date.now();
    const silentPort = silent.localPort;
    await expect.poll(() => closedByPort.has(silentPort), { timeout: 1000 }).toBe(true);

    // The talker sends every 100 ms for twice the idle timeout and gets each echo back.
    for (let i = 0; i < 6; i++) {
      await talker.send(framing.toMessage(`ping ${i}`));
      const reply = await within(talkerReplies.next(), 1000, `echo ${i}`);
      expect(framing.toText(reply.value)).toBe(`ping ${i}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const info = await within(closedByPort.get(silentPort)!, 1000, "the silent stream to close");
    await within(silentClosed, 1000, "the silent socket to be closed by the server");
    expect(info.initiator).toBe("error");
    expect(info.error?.code).toBe("TIMEOUT");
    expect(info.error?.message).toContain(`idle for ${IDLE_TIMEOUT} ms`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(IDLE_TIMEOUT - 50);

    await talker.send(framing.toMessage("after"));
    expect(framing.toText((await within(talkerReplies.next(), 1000, "the last echo")).value)).toBe("after");
    await talker.close();
  });
});
