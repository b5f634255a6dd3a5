// framed's own WebSocket core in the real Bun runtime, its server both on Bun's own sockets (@framed/websocket/bun
// `listen`) and on node:net (@framed/websocket/node): interop with Node's `ws` as client and as server (deflate
// on), Bun's own client WebSocket, and the Autobahn-category cases.
import { describe, expect, test } from "bun:test";
import { once } from "node:events";
import { within } from "@framed/core/testing";
import WebSocket, { WebSocketServer } from "ws";
import { connect, connectNative, listen as listenOnBunSockets, type ServerOptions } from "../src/bun.ts";
import { listen as listenOnNodeNet } from "../src/node.ts";
import { RawClient } from "./node/helpers.ts";
import { AUTOBAHN_SERVER_OPTIONS, type AutobahnServer, autobahnCases } from "./shared/autobahn-cases.ts";

test("framed's client on Bun talks to a ws server: echo with deflate, and the server's close code arrives", async () => {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: true });
  await within(once(wss, "listening"), 5000, "ws server");
  wss.on("connection", (socket) =>
    socket.on("message", (data, isBinary) => {
      if (String(data) === "close please") socket.close(4002, "as asked");
      else socket.send(data, { binary: isBinary });
    }),
  );
  const port = (wss.address() as { port: number }).port;
  const stream = await connect(`ws://127.0.0.1:${port}/`, { deflate: true });
  const sent = ["one", Uint8Array.of(7, 7), "x".repeat(70_000)];
  for (const message of sent) await stream.send(message);
  const iterator = stream[Symbol.asyncIterator]();
  for (const message of sent) expect((await iterator.next()).value).toEqual(message);
  await stream.send("close please");
  expect((await iterator.next()).done).toBe(true);
  const info = await stream.closed;
  expect([info.initiator, info.code, info.reason]).toEqual(["remote", 4002, "as asked"]);
  await new Promise((resolve) => wss.close(resolve));
});

for (const [name, listenOn] of [
  ["framed's server on Bun sockets", listenOnBunSockets],
  ["framed's server on node:net in Bun", listenOnNodeNet],
] as const) {
  const echoServer = (options: ServerOptions) =>
    listenOn(
      { port: 0 },
      async (stream) => {
        try {
          for await (const message of stream) await stream.send(message);
        } catch {
          // Reported through closed.
        }
      },
      options,
    );

  test(`${name}: echoes text and binary to a ws client with permessage-deflate, close code intact`, async () => {
    const server = await echoServer({ deflate: true });
    const client = new WebSocket(server.url, { perMessageDeflate: true });
    await within(once(client, "open"), 5000, "ws open");
    expect(client.extensions).toContain("permessage-deflate");
    const replies: unknown[] = [];
    client.on("message", (data, isBinary) => replies.push(isBinary ? [...(data as Buffer)] : String(data)));
    const big = "deflate me ".repeat(20_000);
    client.send("hello");
    client.send(Uint8Array.of(1, 2, 3));
    client.send(big);
    for (let i = 0; i < 500 && replies.length < 3; i++) await new Promise((resolve) => setTimeout(resolve, 2));
    expect(replies).toEqual(["hello", [1, 2, 3], big]);
    const closed = new Promise((resolve) => client.once("close", (code) => resolve(code)));
    client.close(4001, "bye");
    expect(await within(closed, 5000, "ws close")).toBe(4001);
    await server.close();
  });

  test(`${name}: serves Bun's own client WebSocket (connectNative)`, async () => {
    const server = await echoServer({});
    const stream = await connectNative(server.url);
    await stream.send("native");
    await stream.send(Uint8Array.of(5));
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toBe("native");
    expect((await iterator.next()).value).toEqual(Uint8Array.of(5));
    expect((await stream.close({ code: 4100, reason: "done" })).code).toBe(4100);
    await server.close();
  });

  describe(`${name}: the Autobahn-category cases hold, and other connections never notice`, async () => {
    const listener = await listenOn(
      { port: 0 },
      async (stream) => {
        try {
          for await (const message of stream) await stream.send(message);
        } catch {
          // Reported through closed.
        }
      },
      AUTOBAHN_SERVER_OPTIONS,
    );
    const healthy = new WebSocket(listener.url);
    await within(once(healthy, "open"), 5000, "the healthy ws client");
    const server: AutobahnServer = {
      open: (options) => RawClient.open(listener.address.port, options),
      healthyStillEchoes: async () => {
        const reply = new Promise<string>((resolve) => healthy.once("message", (data) => resolve(String(data))));
        healthy.send("still here");
        expect(await within(reply, 5000, "healthy echo")).toBe("still here");
      },
    };
    for (const entry of autobahnCases) test(`${entry.category}: ${entry.name}`, () => entry.run(server));
    test("(the server closes)", async () => {
      healthy.terminate();
      await listener.close();
    });
  });
}
