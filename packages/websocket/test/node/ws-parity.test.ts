// What a `ws` user reaches for, on the Node server and client: ping round trips and ping/pong listeners,
// bufferedAmount, readyState, per-request 101 headers, the client's view of the 101, per-message
// compression, and `wss://` from `listen` itself.
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { connect, listen, type ServerWebSocketStream, type WebSocketListener } from "../../src/node.ts";
import { frame, RawClient, within } from "./helpers.ts";

const PING = 0x9;
const PONG = 0xa;
const TEXT = 0x1;

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A server that hands its one stream to the test, and a raw client connected to it. */
async function serverWithRawClient(options: Parameters<typeof listen>[2] = {}, request?: string) {
  let resolveStream!: (stream: ServerWebSocketStream) => void;
  const accepted = new Promise<ServerWebSocketStream>((resolve) => {
    resolveStream = resolve;
  });
  const listener = await listen({ port: 0 }, (stream) => resolveStream(stream), options);
  cleanups.push(() => listener.close());
  const client = await RawClient.open(listener.address.port, request ? { request } : {});
  cleanups.push(() => client.destroy());
  return { listener, client, stream: await within(accepted, 5000, "the server stream") };
}

/** True if `promise` has settled after the microtasks and one macrotask. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe("ping round trips and ping/pong listeners", () => {
  it("ping() resolves with the round-trip time only once the pong with its payload arrives", async () => {
    const { client, stream } = await serverWithRawClient();
    const pongs: string[] = [];
    stream.onPong((payload) => pongs.push(new TextDecoder().decode(payload)));
    const rtt = stream.ping("probe-1");
    const ping = await client.read();
    expect({ opcode: ping.opcode, payload: ping.payload.toString() }).toEqual({ opcode: PING, payload: "probe-1" });
    expect(await settled(rtt)).toBe(false);
    client.send(frame(PONG, "something else"));
    expect(await settled(rtt)).toBe(false);
    client.send(frame(PONG, "probe-1"));
    const milliseconds = await within(rtt, 5000, "the round trip");
    expect(milliseconds).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(milliseconds)).toBe(true);
    expect(pongs).toEqual(["something else", "probe-1"]);
  });

  it("a pong for a later ping answers the earlier pings too", async () => {
    const { client, stream } = await serverWithRawClient();
    const first = stream.ping("a");
    const second = stream.ping("b");
    client.send(frame(PONG, "b"));
    const [one, two] = await within(Promise.all([first, second]), 5000, "both round trips");
    expect(one).toBeGreaterThanOrEqual(two);
  });

  it("a pending ping rejects with CLOSED when the connection ends, and ping() after close rejects at once", async () => {
    const { client, stream } = await serverWithRawClient();
    const pending = stream.ping();
    await client.destroy();
    await expect(within(pending, 5000, "the rejection")).rejects.toMatchObject({ code: "CLOSED" });
    await expect(stream.ping()).rejects.toMatchObject({ code: "CLOSED" });
  });

  it("onPing hears the peer's pings, which are answered whether or not anyone listens", async () => {
    const { client, stream } = await serverWithRawClient();
    const heard: string[] = [];
    const stop = stream.onPing((payload) => heard.push(new TextDecoder().decode(payload)));
    client.send(frame(PING, "hello?"));
    const pong = await client.read();
    expect({ opcode: pong.opcode, payload: pong.payload.toString() }).toEqual({ opcode: PONG, payload: "hello?" });
    stop();
    client.send(frame(PING, "again"));
    await client.read();
    expect(heard).toEqual(["hello?"]);
  });
});

describe("bufferedAmount and readyState", () => {
  it("bufferedAmount counts bytes sent and not yet taken by the kernel, and falls to 0 once written", async () => {
    const { client, stream } = await serverWithRawClient();
    expect(stream.bufferedAmount).toBe(0);
    const sent = stream.send(new Uint8Array(100_000));
    expect(stream.bufferedAmount).toBeGreaterThanOrEqual(100_000);
    await sent;
    expect((await client.read()).payload.length).toBe(100_000);
    for (let i = 0; i < 200 && stream.bufferedAmount > 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(stream.bufferedAmount).toBe(0);
  });

  it("readyState is open, then closing after close(), then closed once the peer answered", async () => {
    const { client, stream } = await serverWithRawClient();
    expect(stream.readyState).toBe("open");
    const closing = stream.close({ code: 1000 });
    expect(stream.readyState).toBe("closing");
    expect((await client.readClose()).code).toBe(1000);
    client.send(frame(0x8, Uint8Array.of(0x03, 0xe8)));
    await within(closing, 5000, "the close");
    expect(stream.readyState).toBe("closed");
  });
});

describe("the 101: per-request headers, and what the client sees", () => {
  it("a headers function adds fields per request, and the client stream exposes the 101's status and headers", async () => {
    const listener = await listen({ port: 0 }, () => {}, {
      headers: (request) => ({ "X-Trace": `trace:${request.url}`, "Set-Cookie": "session=1" }),
    });
    cleanups.push(() => listener.close());
    const client = await connect(`ws://127.0.0.1:${listener.address.port}/room/7`);
    cleanups.push(() => client.close());
    expect(client.response?.status).toBe(101);
    expect(client.response?.reason).toBe("Switching Protocols");
    expect(client.response?.headers.get("x-trace")).toBe("trace:/room/7");
    expect(client.response?.headers.get("set-cookie")).toBe("session=1");
  });

  it("a headers function that throws refuses the handshake with 500", async () => {
    const errors: unknown[] = [];
    const listener = await listen({ port: 0 }, () => {}, {
      headers: () => {
        throw new Error("no cookie jar");
      },
      onHandshakeError: (error) => errors.push(error),
    });
    cleanups.push(() => listener.close());
    await expect(connect(listener.url)).rejects.toMatchObject({ code: "HANDSHAKE_FAILED", status: 500 });
    expect(errors).toHaveLength(1);
  });
});

describe("send options", () => {
  it("send(message, { compress: false }) skips compression where deflate was agreed; plain send compresses", async () => {
    const request =
      "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
      "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n";
    const { client, stream } = await serverWithRawClient({ deflate: true }, request);
    const text = "compressible ".repeat(500);
    await stream.send(text, { compress: false });
    await stream.send(text);
    const plain = await client.read();
    const packed = await client.read();
    expect({ opcode: plain.opcode, rsv: plain.rsv, length: plain.payload.length }).toEqual({
      opcode: TEXT,
      rsv: 0,
      length: text.length,
    });
    expect(packed.rsv).toBe(4);
    expect(packed.payload.length).toBeLessThan(text.length / 10);
  });
});

describe("the reply to the peer's close", () => {
  it.each([
    [false, ""],
    [true, "moving on"],
  ] as const)(
    "with echoCloseReason: %s the server's reply carries the peer's code and the reason %j",
    async (echo, reason) => {
      const { client } = await serverWithRawClient({ echoCloseReason: echo });
      client.send(frame(0x8, Uint8Array.of(0x0f, 0xa1, ...new TextEncoder().encode("moving on"))));
      expect(await client.readClose()).toEqual({ code: 4001, reason });
    },
  );
});

describe("wss:// from listen", () => {
  const fixture = (name: string) =>
    readFileSync(new URL(`../../../../test-support/tls/${name}`, import.meta.url), "utf8");

  it("listen with tls serves wss:// on its own port, and a client trusting the certificate echoes through it", async () => {
    const cert = fixture("localhost.cert.pem");
    const listener: WebSocketListener = await listen(
      { port: 0 },
      async (stream) => {
        for await (const message of stream) await stream.send(message);
      },
      { tls: { cert, key: fixture("localhost.key.pem") } },
    );
    cleanups.push(() => listener.close());
    expect(listener.url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/$/);
    const client = await connect(listener.url, { tls: { ca: cert } });
    cleanups.push(() => client.close());
    const reply = client[Symbol.asyncIterator]().next();
    await client.send("over tls");
    expect((await within(reply, 5000, "the echo")).value).toBe("over tls");
  });

  it("close() ends a client still in its TLS handshake", async () => {
    const cert = fixture("localhost.cert.pem");
    const listener = await listen({ port: 0 }, () => {}, { tls: { cert, key: fixture("localhost.key.pem") } });
    const { connect: tcpConnect } = await import("node:net");
    const raw = tcpConnect({ port: listener.address.port, host: "127.0.0.1" });
    raw.on("error", () => {});
    await once(raw, "connect");
    const closed = once(raw, "close");
    await within(listener.close(), 5000, "the listener to close");
    await within(closed, 5000, "the half-handshaken client to be dropped");
  });
});
