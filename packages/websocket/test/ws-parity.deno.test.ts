// What a `ws` user reaches for, on the Deno server and client (raw Deno.listen / Deno.connect): ping round
// trips, bufferedAmount over a Deno.Conn, readyState, per-request 101 headers seen by the client, and wss://.
import assert from "node:assert/strict";
import { connect, listen, type ServerWebSocketStream } from "../src/deno.ts";
import { DenoRawClient, echoServer, withCleanup, within } from "./deno/helpers.deno.ts";
import { frame } from "./shared/wire.ts";

const PING = 0x9;
const PONG = 0xa;

/** A Deno server that hands its one stream to the test, and a raw client connected to it. */
async function serverWithRawClient(defer: (cleanup: () => unknown) => void) {
  let resolveStream!: (stream: ServerWebSocketStream) => void;
  const accepted = new Promise<ServerWebSocketStream>((resolve) => {
    resolveStream = resolve;
  });
  const listener = await listen({ port: 0 }, (stream) => resolveStream(stream));
  defer(() => listener.close());
  const client = await DenoRawClient.open(listener.address.port);
  defer(() => client.destroy());
  return { client, stream: await within(accepted, 5000, "the server stream") };
}

Deno.test("ping() resolves with the round-trip time once the matching pong arrives, and onPong hears it", async () => {
  await withCleanup(async (defer) => {
    const { client, stream } = await serverWithRawClient(defer);
    const pongs: number[] = [];
    stream.onPong((payload) => pongs.push(payload.length));
    let resolved = false;
    const rtt = stream.ping("probe").then((ms) => {
      resolved = true;
      return ms;
    });
    const ping = await client.read();
    assert.equal(ping.opcode, PING);
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.equal(resolved, false, "no pong yet");
    client.send(frame(PONG, "probe"));
    const ms = await within(rtt, 5000, "the round trip");
    assert.ok(ms >= 0 && Number.isFinite(ms));
    assert.deepEqual(pongs, [5]);
  });
});

Deno.test("bufferedAmount counts bytes not yet written to the Deno.Conn, and readyState follows the close", async () => {
  await withCleanup(async (defer) => {
    const { client, stream } = await serverWithRawClient(defer);
    assert.equal(stream.bufferedAmount, 0);
    assert.equal(stream.readyState, "open");
    const sent = stream.send(new Uint8Array(100_000));
    assert.ok(stream.bufferedAmount >= 100_000, `bufferedAmount ${stream.bufferedAmount}`);
    await sent;
    assert.equal((await client.read()).payload.length, 100_000);
    for (let i = 0; i < 200 && stream.bufferedAmount > 0; i++) await new Promise((r) => setTimeout(r, 5));
    assert.equal(stream.bufferedAmount, 0);
    const closing = stream.close({ code: 1000 });
    assert.equal(stream.readyState, "closing");
    assert.equal((await client.readClose()).code, 1000);
    client.send(frame(0x8, Uint8Array.of(0x03, 0xe8)));
    await client.closedByServer(); // the server ends TCP after the close handshake; then we do too
    await client.destroy();
    await within(closing, 5000, "the close");
    assert.equal(stream.readyState, "closed");
  });
});

Deno.test("a headers function adds 101 fields per request, and the Deno client stream exposes the 101", async () => {
  await withCleanup(async (defer) => {
    const listener = await echoServer({ headers: (request) => ({ "X-Trace": `trace:${request.url}` }) });
    defer(() => listener.close());
    const client = await connect(`ws://127.0.0.1:${listener.address.port}/room/7`);
    defer(() => client.close());
    assert.equal(client.response?.status, 101);
    assert.equal(client.response?.headers.get("x-trace"), "trace:/room/7");
  });
});

Deno.test("listen with tls serves wss:// on its own port", async () => {
  await withCleanup(async (defer) => {
    const fixture = (name: string) => Deno.readTextFile(new URL(`../../../test-support/tls/${name}`, import.meta.url));
    const cert = await fixture("localhost.cert.pem");
    const listener = await listen(
      { port: 0 },
      async (stream) => {
        for await (const message of stream) await stream.send(message);
      },
      { tls: { cert, key: await fixture("localhost.key.pem") } },
    );
    defer(() => listener.close());
    assert.match(listener.url, /^wss:\/\/127\.0\.0\.1:\d+\/$/);
    const client = await connect(listener.url, { caCerts: [cert] });
    defer(() => client.close());
    const reply = client[Symbol.asyncIterator]().next();
    await client.send("over tls");
    assert.equal((await within(reply, 5000, "the echo")).value, "over tls");
  });
});
