// The shared Autobahn-category cases (../shared/autobahn-cases.ts) against our Node server: a raw TCP
// client sends hand-built frames, while a healthy `ws` connection checks other connections never notice.
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { WebSocketListener } from "../../src/node.ts";
import { AUTOBAHN_SERVER_OPTIONS, type AutobahnServer, autobahnCases } from "../shared/autobahn-cases.ts";
import { echoServer, RawClient, within } from "./helpers.ts";

let listener: WebSocketListener;
let healthy: WebSocket;

beforeAll(async () => {
  listener = await echoServer(AUTOBAHN_SERVER_OPTIONS);
  healthy = new WebSocket(listener.url);
  await within(once(healthy, "open"), 5000, "the healthy ws client");
});

afterAll(async () => {
  healthy.terminate();
  await listener.close();
});

const server: AutobahnServer = {
  open: (options) => RawClient.open(listener.address.port, options),
  healthyStillEchoes: async () => {
    const reply = within(
      new Promise<string>((resolve) => healthy.once("message", (data) => resolve(String(data)))),
      5000,
      "healthy echo",
    );
    healthy.send("still here");
    expect(await reply).toBe("still here");
  },
};

const categories = [...new Set(autobahnCases.map((entry) => entry.category))];
for (const category of categories) {
  describe(category, () => {
    for (const entry of autobahnCases.filter((candidate) => candidate.category === category)) {
      it(entry.name, () => entry.run(server));
    }
  });
}
