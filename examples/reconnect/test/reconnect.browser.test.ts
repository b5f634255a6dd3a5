// Real Chromium: reconnecting() over the browser's own WebSocket (@framed/websocket/browser) against a Node
// server in a child process that is killed and started again. Sends made during the outage are queued and
// arrive in order; the window's real `online` event cuts the backoff short.
import { type ReconnectState, reconnecting } from "@framed/core";
import { connect } from "@framed/websocket/browser";
import { expect, inject, it } from "vitest";

const echoUrl = inject("reconnectEchoUrl");
const controlUrl = inject("reconnectControlUrl");
const policyCloseUrl = inject("reconnectPolicyCloseUrl");

async function control(action: "kill" | "start"): Promise<void> {
  const response = await fetch(`${controlUrl}/${action}`);
  if (!response.ok) throw new Error(`${action} failed: ${await response.text()}`);
}

async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

it("survives its server being killed and restarted: queued sends arrive in order, once; `online` retries at once", async () => {
  // A 10 s backoff: only the online hint can bring the connection back within this test's time.
  const stream = reconnecting(() => connect(echoUrl), { minDelay: 10_000, maxDelay: 10_000 });
  const states: ReconnectState[] = [];
  stream.onStateChange((state) => states.push(state));
  const echoes: string[] = [];
  const reading = (async () => {
    for await (const message of stream) echoes.push(String(message));
  })();
  const results: string[] = [];
  const send = async (from: number, to: number) => {
    for (let i = from; i <= to; i++) results.push(await stream.sendOrQueue(`m${i}`));
  };

  await until(() => stream.state.type === "open", 5000, "the first connection");
  await send(1, 3);
  await until(() => echoes.length === 3, 5000, "echoes of m1..m3");
  await control("kill");
  await until(() => stream.state.type === "reconnecting", 5000, "the page to notice the outage");
  await send(4, 6);
  await control("start");
  window.dispatchEvent(new Event("online"));
  await until(() => stream.state.type === "open", 5000, "the second connection after `online`");
  await send(7, 8);
  await until(() => echoes.length >= 8, 5000, "echoes of m4..m8");
  expect(echoes).toEqual(["m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8"]);
  expect(results).toEqual(["sent", "sent", "sent", "queued", "queued", "queued", "sent", "sent"]);
  expect(states.map((s) => s.type)).toEqual(["open", "reconnecting", "connecting", "open"]);
  await stream.close();
  await reading;
});

it("stops without retrying when the server closes with 1008 (the default shouldReconnect), and reconnect() tries again", async () => {
  let attempts = 0;
  const stream = reconnecting(
    () => {
      attempts++;
      return connect(policyCloseUrl);
    },
    { minDelay: 10, maxDelay: 10 },
  );
  const reading = (async () => {
    for await (const _ of stream);
  })();
  await until(() => stream.state.type === "stopped", 5000, "stopped");
  expect(stream.state).toMatchObject({
    reason: "refused",
    cause: { closeInfo: { code: 1008, reason: "not allowed" } },
  });
  expect(attempts).toBe(1);
  stream.reconnect();
  await until(() => attempts === 2 && stream.state.type === "stopped", 5000, "stopped again after reconnect()");
  await stream.close();
  await reading;
});
