// @framed/websocket/deno in the real Deno runtime, Deno's own WebSocket: Deno.serve + upgrade/serve, and
// Deno's client via connectNative (our own protocol core is tested in deno-server/deno-client tests).
import assert from "node:assert/strict";
import { connectNative as connect, serve, upgrade } from "../src/deno.ts";

function serveEcho() {
  const closes: Array<{ code?: number; reason?: string }> = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    const { response, stream } = upgrade(request, {
      protocol: request.headers.get("sec-websocket-protocol") ?? undefined,
    });
    stream.then(async (ws) => {
      try {
        for await (const message of ws) {
          if (message === "close please") void ws.close({ code: 4002, reason: "as asked" });
          else await ws.send(message);
        }
      } catch {
        // Reported through closed.
      }
      closes.push(await ws.closed);
    });
    return response;
  });
  return { url: `ws://127.0.0.1:${server.addr.port}/`, server, closes };
}

Deno.test("Deno.serve + upgrade echoes text and binary to Deno's own client through the same MessageStream (connectNative)", async () => {
  const { url, server, closes } = serveEcho();
  const stream = await connect(url);
  await stream.send("hello deno");
  await stream.send(Uint8Array.of(9, 8, 7));
  const iterator = stream[Symbol.asyncIterator]();
  assert.equal((await iterator.next()).value, "hello deno");
  assert.deepEqual((await iterator.next()).value, Uint8Array.of(9, 8, 7));
  const info = await stream.close({ code: 4100, reason: "client done" });
  assert.equal(info.initiator, "local");
  for (let i = 0; i < 100 && closes.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual({ code: closes[0]?.code, reason: closes[0]?.reason }, { code: 4100, reason: "client done" });
  await server.shutdown();
});

Deno.test("a server-side close reaches the Deno client with its code and reason", async () => {
  const { url, server } = serveEcho();
  const stream = await connect(url);
  await stream.send("close please");
  for await (const _ of stream) assert.fail("no message expected");
  const info = await stream.closed;
  assert.deepEqual(
    { initiator: info.initiator, code: info.code, reason: info.reason },
    { initiator: "remote", code: 4002, reason: "as asked" },
  );
  await server.shutdown();
});

Deno.test("upgrade refuses a plain HTTP request with HANDSHAKE_FAILED and status 400", () => {
  assert.throws(
    () => upgrade(new Request("http://127.0.0.1/")),
    (error: { code?: string; status?: number }) => error.code === "HANDSHAKE_FAILED" && error.status === 400,
  );
});

Deno.test("serve serves WebSocket on Deno.serve; close() says going away (1001); plain HTTP gets 426", async () => {
  const server = await serve({ port: 0 }, async (stream) => {
    for await (const message of stream) await stream.send(message);
  });
  const plain = await fetch(`http://127.0.0.1:${server.address.port}/`);
  assert.equal(plain.status, 426);
  await plain.body?.cancel();
  const stream = await connect(server.url);
  await stream.send("ping");
  assert.equal((await stream[Symbol.asyncIterator]().next()).value, "ping");
  await server.close();
  const info = await stream.closed;
  assert.equal(info.code, 1001);
});
