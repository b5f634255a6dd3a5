// Our Node server (listen and attach) with the `ws` package as the client: messages, deflate,
// fragmentation, 16 MiB, close codes both ways, ping/pong, subprotocols and refusals.

import { once } from "node:events";
import * as http from "node:http";
import { type CloseInfo, DEFAULT_MAX_MESSAGE_SIZE } from "@framed/core";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { attach, listen, type ServerWebSocketStream, type WebSocketListener } from "../../src/node.ts";
import { echoServer, within } from "./helpers.ts";

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(
  options: Parameters<typeof echoServer>[0] = {},
  onStream?: (stream: ServerWebSocketStream) => void,
) {
  const listener = await echoServer(options, onStream);
  cleanups.push(() => listener.close());
  return listener;
}

/** A ws client torn down after the test (terminate emits an error while still connecting). */
function track(client: WebSocket): WebSocket {
  client.on("error", () => {});
  cleanups.push(() => client.terminate());
  return client;
}

async function wsClient(url: string, options: WebSocket.ClientOptions = {}, protocols?: string[]): Promise<WebSocket> {
  const client = track(new WebSocket(url, protocols, options));
  await within(once(client, "open"), 5000, "the ws client to open");
  return client;
}

function nextMessage(client: WebSocket): Promise<{ data: Buffer; isBinary: boolean }> {
  return within(
    new Promise((resolve) => client.once("message", (data: Buffer, isBinary: boolean) => resolve({ data, isBinary }))),
    10_000,
    "a message",
  );
}

function closeEvent(client: WebSocket): Promise<{ code: number; reason: string }> {
  return within(
    new Promise((resolve) =>
      client.once("close", (code: number, reason: Buffer) => resolve({ code, reason: reason.toString() })),
    ),
    5000,
    "the close event",
  );
}

describe("our server with a ws client", () => {
  it("echoes text as text and binary as binary", async () => {
    const listener = await server();
    const client = await wsClient(listener.url, { perMessageDeflate: false });
    client.send("héllo ✓");
    expect(await nextMessage(client)).toEqual({ data: Buffer.from("héllo ✓"), isBinary: false });
    client.send(Buffer.from([0, 1, 2, 255]));
    expect(await nextMessage(client)).toEqual({ data: Buffer.from([0, 1, 2, 255]), isBinary: true });
  });

  it("negotiates permessage-deflate with ws and echoes compressible and incompressible messages", async () => {
    let agreed: ServerWebSocketStream | undefined;
    const listener = await server({ deflate: true }, (stream) => {
      agreed = stream;
    });
    const client = await wsClient(listener.url, { perMessageDeflate: { threshold: 0 } });
    expect(client.extensions).toContain("permessage-deflate");
    const text = "compress me ".repeat(5000);
    client.send(text);
    expect((await nextMessage(client)).data.toString()).toBe(text);
    const random = Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 7919) % 251));
    client.send(random);
    expect((await nextMessage(client)).data).toEqual(random);
    expect(agreed?.deflate).toMatchObject({ serverMaxWindowBits: 15 });
    expect(agreed?.extensions).toContain("permessage-deflate");
  });

  it("leaves deflate off when the server does not enable it", async () => {
    const listener = await server();
    const client = await wsClient(listener.url, { perMessageDeflate: true });
    expect(client.extensions).toBe("");
  });

  it("reassembles a message ws sends in fragments", async () => {
    const listener = await server();
    const client = await wsClient(listener.url, { perMessageDeflate: false });
    client.send("frag", { fin: false });
    client.send("men", { fin: false });
    client.send("ted", { fin: true });
    expect((await nextMessage(client)).data.toString()).toBe("fragmented");
  });

  it("carries a 16 MiB message (the default maxMessageSize) both ways", async () => {
    const listener = await server();
    const client = await wsClient(listener.url, { perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
    const big = Buffer.alloc(DEFAULT_MAX_MESSAGE_SIZE, 0x61);
    big[12345] = 0x62;
    client.send(big);
    const echoed = await nextMessage(client);
    expect(echoed.isBinary).toBe(true);
    expect(echoed.data.length).toBe(big.length);
    expect(echoed.data.equals(big)).toBe(true);
  });

  it("closes with 1009 when ws sends more than maxMessageSize, and the server stream reports MESSAGE_TOO_LARGE", async () => {
    let closed: Promise<CloseInfo> | undefined;
    const listener = await server({ maxMessageSize: 1024 }, (stream) => {
      closed = stream.closed;
    });
    const client = await wsClient(listener.url, { perMessageDeflate: false });
    const closing = closeEvent(client);
    client.send(Buffer.alloc(1025));
    expect((await closing).code).toBe(1009);
    const info = await within(closed!, 5000, "the server stream to close");
    expect(info.error?.code).toBe("MESSAGE_TOO_LARGE");
  });

  it("reports the client's close code and reason in `closed`", async () => {
    let closed: Promise<CloseInfo> | undefined;
    const listener = await server({}, (stream) => {
      closed = stream.closed;
    });
    const client = await wsClient(listener.url);
    const closing = closeEvent(client);
    client.close(4002, "client says bye");
    expect((await closing).code).toBe(4002);
    expect(await within(closed!, 5000, "closed")).toMatchObject({
      initiator: "remote",
      code: 4002,
      reason: "client says bye",
    });
  });

  it("sends the server's close code and reason to the client", async () => {
    const listener = await listen({ port: 0 }, (stream) => {
      stream.close({ code: 4001, reason: "server says bye" });
    });
    cleanups.push(() => listener.close());
    const client = track(new WebSocket(listener.url));
    expect(await closeEvent(client)).toEqual({ code: 4001, reason: "server says bye" });
  });

  it("answers ws's ping with a pong carrying the same payload, and ws answers our ping", async () => {
    let serverStream: ServerWebSocketStream | undefined;
    const listener = await server({}, (stream) => {
      serverStream = stream;
    });
    const client = await wsClient(listener.url);
    const pong = within(new Promise<Buffer>((resolve) => client.once("pong", resolve)), 5000, "pong");
    client.ping(Buffer.from("are you there"));
    expect((await pong).toString()).toBe("are you there");
    const ping = within(new Promise<Buffer>((resolve) => client.once("ping", resolve)), 5000, "ping");
    serverStream!.ping("from server");
    expect((await ping).toString()).toBe("from server");
  });

  it("picks the first server subprotocol ws offered", async () => {
    let chosen: string | undefined;
    const listener = await server({ protocols: ["v3", "v2"] }, (stream) => {
      chosen = stream.protocol;
    });
    const client = await wsClient(listener.url, {}, ["v1", "v2", "v3"]);
    expect(client.protocol).toBe("v3");
    client.send("x");
    await nextMessage(client);
    expect(chosen).toBe("v3");
  });

  it("refuses through verify with the given status, which ws reports as an unexpected response", async () => {
    const listener = await server({
      verify: (request) => (request.origin === "https://good.example" ? true : { status: 403, reason: "bad origin" }),
    });
    const refused = track(new WebSocket(listener.url, { origin: "https://evil.example" }));
    const response = await within(
      new Promise<http.IncomingMessage>((resolve) => refused.once("unexpected-response", (_req, res) => resolve(res))),
      5000,
      "the refusal",
    );
    expect(response.statusCode).toBe(403);
    const accepted = await wsClient(listener.url, { origin: "https://good.example" });
    accepted.send("ok");
    expect((await nextMessage(accepted)).data.toString()).toBe("ok");
  });

  it("gives the handler the request: url, headers and origin", async () => {
    let stream: ServerWebSocketStream | undefined;
    const listener = await server({}, (s) => {
      stream = s;
    });
    const client = await wsClient(`${listener.url}room/7?x=1`, { headers: { "X-Token": "abc" } });
    client.send("hi");
    await nextMessage(client);
    expect(stream?.request.url).toBe("/room/7?x=1");
    expect(stream?.request.headers.get("x-token")).toBe("abc");
  });

  it("closes every client with 1001 when the listener closes", async () => {
    const listener = await echoServer();
    const clients = await Promise.all([wsClient(listener.url), wsClient(listener.url)]);
    const closes = clients.map(closeEvent);
    await within(listener.close(), 5000, "listener.close()");
    for (const close of await Promise.all(closes)) expect(close.code).toBe(1001);
    expect(listener.streams.size).toBe(0);
  });
});

describe("attach to an http server", () => {
  async function httpServer(): Promise<{ server: http.Server; url: string }> {
    const server = http.createServer((_req, res) => res.end("plain http"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const { port } = server.address() as { port: number };
    return { server, url: `ws://127.0.0.1:${port}` };
  }

  it("upgrades requests for its path while plain HTTP requests still reach the app", async () => {
    const { server, url } = await httpServer();
    const attachment = attach(
      server,
      async (stream) => {
        for await (const message of stream) await stream.send(`echo:${message}`);
      },
      { path: "/ws", deflate: true },
    );
    cleanups.push(() => attachment.close());
    const client = await wsClient(`${url}/ws?token=1`);
    client.send("a");
    expect((await nextMessage(client)).data.toString()).toBe("echo:a");
    const plain = await fetch(url.replace("ws:", "http:"));
    expect(await plain.text()).toBe("plain http");
  });

  it("answers 404 for another path when it is the only upgrade listener", async () => {
    const { server, url } = await httpServer();
    const attachment = attach(server, () => {}, { path: "/ws" });
    cleanups.push(() => attachment.close());
    const client = track(new WebSocket(`${url}/other`));
    const status = await within(
      new Promise<number>((resolve) => client.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0))),
      5000,
      "the 404",
    );
    expect(status).toBe(404);
  });

  it("closes its streams with 1001 and stops upgrading, leaving the http server open", async () => {
    const { server, url } = await httpServer();
    const attachment = attach(server, async (stream) => {
      for await (const message of stream) await stream.send(message);
    });
    const client = await wsClient(url);
    const closing = closeEvent(client);
    await within(attachment.close(), 5000, "attachment.close()");
    expect((await closing).code).toBe(1001);
    expect(server.listening).toBe(true);
    expect(server.listenerCount("upgrade")).toBe(0);
  });
});

describe("listener shape", () => {
  it("reports its address and a ws:// url", async () => {
    const listener: WebSocketListener = await server();
    expect(listener.address.host).toBe("127.0.0.1");
    expect(listener.url).toBe(`ws://127.0.0.1:${listener.address.port}/`);
  });
});
