// The shared vocabulary on the WebSocket side: the websocket() factory (websocketFraming deprecated), wrap() for a
// socket whose handshake is done (Node) or a native WebSocket (fromWebSocket deprecated), listen on { host } or
// { hostname } and on a Unix socket path, and url + server on the listener.
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { fromWebSocket as browserFromWebSocket, wrap as browserWrap } from "../../src/browser.ts";
import { websocket, websocketFraming } from "../../src/index.ts";
import { connect, listen, type WebSocketListener, wrap } from "../../src/node.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function echoListener(address: Parameters<typeof listen>[0]): Promise<WebSocketListener> {
  const server = await listen(address, async (stream) => {
    for await (const message of stream) await stream.send(message);
  });
  cleanups.push(() => server.close());
  return server;
}

describe("factory name", () => {
  it("websocket() makes the WebSocket framing, and the deprecated websocketFraming is the same function", () => {
    expect(websocket().name).toBe("websocket");
    expect(websocketFraming).toBe(websocket);
  });
});

describe("wrap", () => {
  it("Node wrap turns both ends of a socket whose handshake is done into WebSocket streams", async () => {
    const server = net.createServer().listen(0, "127.0.0.1");
    cleanups.push(() => new Promise<void>((done) => server.close(() => done())));
    await once(server, "listening");
    const accepted = once(server, "connection") as Promise<[net.Socket]>;
    const raw = net.connect((server.address() as net.AddressInfo).port, "127.0.0.1");
    cleanups.push(() => void raw.destroy());
    await once(raw, "connect");
    const [serverSide] = await accepted;
    cleanups.push(() => void serverSide.destroy());
    const serverStream = wrap(serverSide, { role: "server", protocol: "chat" });
    const clientStream = wrap(raw);
    expect(serverStream.protocol).toBe("chat");
    await clientStream.send("from the client");
    const atServer = await serverStream[Symbol.asyncIterator]().next();
    expect(atServer.value).toBe("from the client");
    await serverStream.send(Uint8Array.of(7));
    const atClient = await clientStream[Symbol.asyncIterator]().next();
    expect(atClient.value).toEqual(Uint8Array.of(7));
    await clientStream.close();
    await serverStream.closed;
  });

  it("the browser entry's wrap takes a native WebSocket, and fromWebSocket is its deprecated alias", () => {
    expect(browserFromWebSocket).toBe(browserWrap);
  });
});

describe("listen addresses and listener extras", () => {
  it("listens on { host } and the deprecated { hostname }, each with url and server", async () => {
    for (const address of [
      { host: "127.0.0.1", port: 0 },
      { hostname: "127.0.0.1", port: 0 },
    ]) {
      const server = await echoListener(address);
      expect(server.address.host).toBe("127.0.0.1");
      expect(server.url).toBe(`ws://127.0.0.1:${server.address.port}/`);
      expect(server.server).toBeInstanceOf(net.Server);
      const client = await connect(server.url);
      await client.send("hi");
      expect((await client[Symbol.asyncIterator]().next()).value).toBe("hi");
      await client.close();
    }
  });

  it("listens on a Unix socket path, with a ws+unix url the ws client can dial", async () => {
    const dir = mkdtempSync(join(tmpdir(), "framed-ws-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, "echo.sock");
    const server = await echoListener({ path });
    expect(server.url).toBe(`ws+unix://${path}:/`);
    const peer = new WebSocket(server.url);
    cleanups.push(() => peer.terminate());
    await once(peer, "open");
    peer.send("over a unix socket");
    const [reply] = await once(peer, "message");
    expect(String(reply)).toBe("over a unix socket");
  });
});
