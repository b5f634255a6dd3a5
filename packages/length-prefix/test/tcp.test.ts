// @framed/length-prefix/node over real TCP: an echo, and bad input that affects only its own connection.
import { readFileSync } from "node:fs";
import * as net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { connect, listen } from "../src/node.ts";

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function echoServer(options: Parameters<typeof listen>[2] = {}) {
  const errors: unknown[] = [];
  const server = await listen(
    { port: 0 },
    async (stream) => {
      try {
        for await (const message of stream) await stream.send(message);
      } catch (error) {
        errors.push(error);
      }
    },
    options,
  );
  servers.push(server);
  return { server, errors };
}

describe("length-prefix over Node TCP", () => {
  it("a varint echo returns 1,000 messages of mixed sizes in order", async () => {
    const { server } = await echoServer({ header: "varint" });
    const client = await connect({ port: server.address.port }, { header: "varint" });
    const sent = Array.from({ length: 1000 }, (_, i) => new Uint8Array(i % 7 === 0 ? 20_000 : i % 50).fill(i & 0xff));
    for (const m of sent) client.send(m);
    const received: Uint8Array[] = [];
    for await (const m of client) {
      received.push(Uint8Array.from(m));
      if (received.length === sent.length) break;
    }
    // Byte comparison: a deep toEqual over 3 MB of typed arrays takes seconds.
    expect(received.map((m) => m.length)).toEqual(sent.map((m) => m.length));
    expect(Buffer.compare(Buffer.concat(received), Buffer.concat(sent))).toBe(0);
  });

  it("over TLS, the tls option passes through the binding next to the framing's options", async () => {
    // The committed self-signed certificate for localhost and 127.0.0.1 (see test-support/tls/README.md).
    const fixture = (name: string) => readFileSync(new URL(`../../../test-support/tls/${name}`, import.meta.url));
    const cert = fixture("localhost.cert.pem");
    const { server } = await echoServer({ header: "uint16be", tls: { cert, key: fixture("localhost.key.pem") } });
    const client = await connect({ port: server.address.port }, { header: "uint16be", tls: { ca: cert } });
    const sent = [new Uint8Array(0), new Uint8Array(300).fill(7), Uint8Array.of(1, 2, 3)];
    for (const m of sent) client.send(m);
    const received: Uint8Array[] = [];
    for await (const m of client) {
      received.push(Uint8Array.from(m));
      if (received.length === sent.length) break;
    }
    expect(received).toEqual(sent);
  });

  it("an over-limit length closes only that connection, after echoing what came before", async () => {
    const { server, errors } = await echoServer({ maxMessageSize: 1024 });
    const good = await connect({ port: server.address.port });
    const bad = net.connect({ port: server.address.port, host: "127.0.0.1" });
    await new Promise((resolve) => bad.once("connect", resolve));
    const echoed: number[] = [];
    bad.on("data", (chunk) => echoed.push(...chunk));
    bad.write(Uint8Array.of(0, 0, 0, 1, 42, 0, 0, 0x10, 0));
    await new Promise((resolve) => bad.once("close", resolve));
    expect(echoed).toEqual([0, 0, 0, 1, 42]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      code: "MESSAGE_TOO_LARGE",
      message: "length-prefix: message 2 declares 4096 bytes, over maxMessageSize 1024",
    });
    await good.send(Uint8Array.of(7));
    expect((await good[Symbol.asyncIterator]().next()).value).toEqual(Uint8Array.of(7));
    await good.close();
  });

  // A hostile peer's length bomb: 2^40 bytes declared in the widest fixed header and in a varint.
  it.each([
    ["uint64be", [0, 0, 0x01, 0, 0, 0, 0, 0]],
    // LEB128: five continuation bytes of zero bits, then 2^5 in the sixth (35 + 5 = 40).
    ["varint", [0x80, 0x80, 0x80, 0x80, 0x80, 0x20]],
  ] as const)(
    "a %s header declaring 2^40 bytes fails at its header with MESSAGE_TOO_LARGE, allocating nothing",
    async (header, bomb) => {
      const { server, errors } = await echoServer({ header });
      const bomber = net.connect({ port: server.address.port, host: "127.0.0.1" });
      bomber.on("error", () => {});
      await new Promise((resolve) => bomber.once("connect", resolve));
      const closed = new Promise((resolve) => bomber.once("close", resolve));
      const before = process.memoryUsage().arrayBuffers;
      bomber.write(Uint8Array.from(bomb));
      await closed;
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(4 * 1024 * 1024);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ code: "MESSAGE_TOO_LARGE" });
      expect((errors[0] as Error).message).toContain(String(2 ** 40));
    },
  );

  it("a stream cut inside a message ends the server's stream with TRUNCATED", async () => {
    const { server, errors } = await echoServer();
    const raw = net.connect({ port: server.address.port, host: "127.0.0.1" });
    await new Promise((resolve) => raw.once("connect", resolve));
    raw.end(Uint8Array.of(0, 0, 0, 9, 1, 2));
    await new Promise((resolve) => raw.once("close", resolve));
    await expect.poll(() => errors.length).toBe(1);
    expect(errors[0]).toMatchObject({ code: "TRUNCATED" });
  });

  it("a handler that never reads pauses its socket once 1 MiB of messages wait, not after 1024 of them", async () => {
    type Inside = { readableBytes: number };
    let idle: Inside | undefined;
    const server = await listen({ port: 0 }, (stream) => {
      idle = stream as unknown as Inside; // never read
    });
    servers.push(server);
    const client = await connect({ port: server.address.port });
    const message = new Uint8Array(64 * 1024);
    // 8 MiB: 128 messages, far under the 1024 messages that used to pause.
    for (let i = 0; i < 128; i++) client.send(message).catch(() => {});
    await expect.poll(() => idle?.readableBytes ?? 0, { timeout: 5000 }).toBeGreaterThanOrEqual(1024 * 1024);
    // The mark, plus the message that crossed it and the rest of the read it came in.
    const bound = 1024 * 1024 + 3 * 64 * 1024;
    for (let i = 0; i < 20; i++) {
      expect(idle?.readableBytes).toBeLessThanOrEqual(bound);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(idle?.readableBytes).toBeGreaterThanOrEqual(1024 * 1024);
    client.abort();
  });
});
