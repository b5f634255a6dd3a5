// The shared Autobahn-category cases (shared/autobahn-cases.ts) against our Deno server (raw Deno.listen):
// a raw Deno.connect client sends hand-built frames, while a healthy connection from Deno's own WebSocket
// client checks that other connections never notice.
import assert from "node:assert/strict";
import { DenoRawClient, echoServer, within } from "./deno/helpers.deno.ts";
import { AUTOBAHN_SERVER_OPTIONS, type AutobahnServer, autobahnCases } from "./shared/autobahn-cases.ts";

Deno.test("the Autobahn-category cases hold on the Deno server, and other connections never notice", async (t) => {
  const listener = await echoServer(AUTOBAHN_SERVER_OPTIONS);
  const healthy = new WebSocket(listener.url);
  const healthyClosed = new Promise((resolve) => healthy.addEventListener("close", resolve));
  try {
    await within(new Promise((resolve) => healthy.addEventListener("open", resolve)), 5000, "the healthy client");
    const server: AutobahnServer = {
      open: (options) => DenoRawClient.open(listener.address.port, options),
      healthyStillEchoes: async () => {
        const reply = new Promise((resolve) =>
          healthy.addEventListener("message", (event) => resolve(event.data), { once: true }),
        );
        healthy.send("still here");
        assert.equal(await within(reply, 5000, "healthy echo"), "still here");
      },
    };
    for (const entry of autobahnCases) {
      await t.step(`${entry.category}: ${entry.name}`, () => entry.run(server));
    }
  } finally {
    await listener.close();
    await within(healthyClosed, 5000, "the healthy client to close");
  }
});
