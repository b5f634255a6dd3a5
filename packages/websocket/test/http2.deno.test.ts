// WebSocket over HTTP/2 (RFC 8441) on Deno through its `node:http2`: the Node entry's `attach` on an
// `http2.createSecureServer` / `createServer` (h2c), and `connect(url, { http2: pool })`, both running in Deno.
// Deno 2.9's node:http2 advertises SETTINGS_ENABLE_CONNECT_PROTOCOL and carries `:protocol` both ways.
import assert from "node:assert/strict";
import { once } from "node:events";
import * as http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { attach, connect, Http2SessionPool, type ServerWebSocketStream } from "../src/node.ts";
import { within } from "./deno/helpers.deno.ts";

const fixture = (name: string) => Deno.readTextFile(new URL(`../../../test-support/tls/${name}`, import.meta.url));

async function echo(stream: ServerWebSocketStream): Promise<void> {
  try {
    for await (const message of stream) await stream.send(message);
  } catch {
    // reported through `closed`
  }
}

for (const secure of [true, false]) {
  Deno.test(`WebSocket over HTTP/2 on Deno (${secure ? "TLS" : "h2c"}): two WebSockets share one session`, async () => {
    const cert = await fixture("localhost.cert.pem");
    const key = await fixture("localhost.key.pem");
    const server = secure ? http2.createSecureServer({ cert, key }) : http2.createServer();
    const carriers: unknown[] = [];
    const ws = attach(
      server,
      (stream, carrier) => {
        carriers.push((carrier as http2.ServerHttp2Stream).session);
        return echo(stream);
      },
      { deflate: true, protocols: ["chat.v2"] },
    );
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const port = (server.address() as AddressInfo).port;
    const pool = new Http2SessionPool({ tls: { ca: cert } });
    try {
      const url = `${secure ? "wss" : "ws"}://127.0.0.1:${port}/`;
      const a = await connect(url, { http2: pool, http2Fallback: "fail", protocols: ["chat.v1", "chat.v2"] });
      assert.equal(a.protocol, "chat.v2");
      assert.notEqual(a.deflate, null);
      const b = await connect(url, { http2: pool, http2Fallback: "fail" });
      for (const [i, stream] of [a, b].entries()) {
        await stream.send(`hello ${i}`);
        const reply = await within(stream[Symbol.asyncIterator]().next(), 5000, "echo");
        assert.equal(reply.value, `hello ${i}`);
      }
      await b.send(new Uint8Array([1, 2, 3]));
      const bytes = await within(b[Symbol.asyncIterator]().next(), 5000, "binary echo");
      assert.deepEqual([...(bytes.value as Uint8Array)], [1, 2, 3]);
      assert.equal(pool.size, 1);
      assert.equal(carriers.length, 2);
      assert.ok(carriers[0] !== undefined && carriers[0] === carriers[1], "both WebSockets on one HTTP/2 session");
      await a.close();
      await b.close();
    } finally {
      await ws.close();
      await pool.close();
      await new Promise((done) => server.close(done));
    }
  });
}
