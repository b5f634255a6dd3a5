// The shared vocabulary in @framed/websocket/bun: listen on { host } (hostname deprecated) with url and server on
// the listener, and wss: trust as tls: { ca } (the top-level ca deprecated).
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { connect, listen } from "../src/bun.ts";

const fixture = (name: string) => readFileSync(new URL(`../../../test-support/tls/${name}`, import.meta.url), "utf8");
const tls = { cert: fixture("localhost.cert.pem"), key: fixture("localhost.key.pem") };

async function echoOnce(url: string, options: Parameters<typeof connect>[1] = {}): Promise<unknown> {
  const stream = await connect(url, options);
  await stream.send("hello");
  const next = await stream[Symbol.asyncIterator]().next();
  await stream.close();
  return next.value;
}

test("Bun WebSocket listen takes host and the deprecated hostname; the listener has url and server", async () => {
  for (const address of [
    { host: "127.0.0.1", port: 0 },
    { hostname: "127.0.0.1", port: 0 },
  ]) {
    const server = await listen(address, async (stream) => {
      for await (const message of stream) await stream.send(message);
    });
    try {
      expect(server.address.host).toBe("127.0.0.1");
      expect(server.server.port).toBe(server.address.port);
      expect(await echoOnce(server.url)).toBe("hello");
    } finally {
      await server.close();
    }
  }
});

test("Bun WebSocket connect trusts a wss: certificate through tls.ca and the deprecated top-level ca", async () => {
  const server = await listen(
    { port: 0 },
    async (stream) => {
      for await (const message of stream) await stream.send(message);
    },
    { tls },
  );
  try {
    const url = server.url.replace("127.0.0.1", "localhost");
    expect(await echoOnce(url, { tls: { ca: tls.cert } })).toBe("hello");
    expect(await echoOnce(url, { ca: tls.cert })).toBe("hello");
  } finally {
    await server.close();
  }
});
