// The shared vocabulary in @framed/websocket/deno: listen on { host } (hostname deprecated) with url and server
// on the listener (listener deprecated), wss: trust as tls: { ca } (caCerts deprecated), and wrap for a native
// WebSocket (fromWebSocket deprecated).
import assert from "node:assert/strict";
import { connect, fromWebSocket, listen, serve, wrap } from "../src/deno.ts";

async function fixture(name: string): Promise<string> {
  return await Deno.readTextFile(new URL(`../../../test-support/tls/${name}`, import.meta.url));
}

async function echoOnce(url: string, options: Parameters<typeof connect>[1] = {}): Promise<unknown> {
  const stream = await connect(url, options);
  await stream.send("hello");
  const next = await stream[Symbol.asyncIterator]().next();
  await stream.close();
  return next.value;
}

Deno.test("Deno WebSocket listen takes host and the deprecated hostname; the listener has url and server", async () => {
  for (const address of [
    { host: "127.0.0.1", port: 0 },
    { hostname: "127.0.0.1", port: 0 },
  ]) {
    const server = await listen(address, async (stream) => {
      for await (const message of stream) await stream.send(message);
    });
    try {
      assert.equal(server.address.host, "127.0.0.1");
      assert.equal(server.url, `ws://127.0.0.1:${server.address.port}/`);
      assert.equal(server.server, server.listener);
      assert.equal(server.server.addr.port, server.address.port);
      assert.equal(await echoOnce(server.url), "hello");
    } finally {
      await server.close();
    }
  }
});

Deno.test("Deno WebSocket connect trusts a wss: certificate through tls.ca and the deprecated caCerts", async () => {
  const cert = await fixture("localhost.cert.pem");
  const key = await fixture("localhost.key.pem");
  const server = await listen(
    { port: 0 },
    async (stream) => {
      for await (const message of stream) await stream.send(message);
    },
    { tls: { cert, key } },
  );
  try {
    const url = `wss://localhost:${server.address.port}/`;
    assert.equal(await echoOnce(url, { tls: { ca: cert } }), "hello");
    assert.equal(await echoOnce(url, { tls: { ca: [cert] } }), "hello");
    assert.equal(await echoOnce(url, { caCerts: [cert] }), "hello");
  } finally {
    await server.close();
  }
});

Deno.test("Deno WebSocket wrap takes a native WebSocket, and fromWebSocket is its deprecated alias", () => {
  assert.equal(fromWebSocket, wrap);
});

Deno.test("Deno WebSocket serve's listener has url and server too", async () => {
  const server = await serve({ host: "127.0.0.1", port: 0 }, async (stream) => {
    for await (const message of stream) await stream.send(message);
  });
  try {
    assert.equal(server.server.addr.port, server.address.port);
    assert.equal(server.url, `ws://127.0.0.1:${server.address.port}/`);
    assert.equal(await echoOnce(server.url), "hello");
  } finally {
    await server.close();
  }
});
