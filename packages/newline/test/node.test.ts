// @framed/newline/node over real sockets and pipes: TCP echo, NDJSON, bad input isolation, half-close, stdio.
import { spawn } from "node:child_process";
import * as net from "node:net";
import { fileURLToPath } from "node:url";
import type { FramedError, Listener, MessageStream } from "@framed/core";
import { afterEach, describe, expect, expectTypeOf, it } from "vitest";
import { byteLines, connect, jsonLines, listen } from "../src/node.ts";

const listeners: Listener<unknown>[] = [];
afterEach(async () => {
  await Promise.all(listeners.splice(0).map((l) => l.close()));
});

async function echoServer<T>(
  start: (onStream: (stream: MessageStream<T>) => Promise<void>) => Promise<Listener<T>>,
): Promise<Listener<T>> {
  const server = await start(async (stream) => {
    for await (const message of stream) await stream.send(message);
  });
  listeners.push(server as Listener<unknown>);
  return server;
}

async function take<T>(stream: MessageStream<T>, count: number): Promise<T[]> {
  const out: T[] = [];
  const iterator = stream[Symbol.asyncIterator]();
  while (out.length < count) {
    const next = await iterator.next();
    if (next.done) break;
    out.push(next.value);
  }
  return out;
}

describe("Node TCP", () => {
  it("a connect/listen echo returns every line in order, text and UTF-8 intact", async () => {
    const server = await echoServer<string>((handler) => listen({ port: 0 }, handler));
    const client = await connect({ port: server.address.port });
    const sent = Array.from({ length: 2000 }, (_, i) => (i % 3 === 0 ? `ünïcödé ${i} 😀` : `line ${i}`));
    sent.push("", "x".repeat(100_000));
    const received = take(client, sent.length);
    for (const line of sent) await client.send(line);
    expect(await received).toEqual(sent);
    expect((await client.close()).initiator).toBe("local");
  });

  it("jsonLines: an NDJSON echo round-trips JSON values", async () => {
    const server = await echoServer<unknown>((handler) => jsonLines.listen({ port: 0 }, handler));
    const client = await jsonLines.connect({ port: server.address.port });
    const values = [{ id: 1, tags: ["a", "b"] }, [1, 2, 3], "text\nwith newline", null, 42.5];
    for (const value of values) await client.send(value);
    expect(await take(client, values.length)).toEqual(values);
    await client.close();
  });

  it("jsonLines takes the JSON value type as a type parameter: no casts at the call site", async () => {
    interface Request {
      id: number;
      method: string;
    }
    const server = await echoServer<Request>((handler) => jsonLines.listen<Request>({ port: 0 }, handler));
    const client: MessageStream<Request> = await jsonLines.connect<Request>({ port: server.address.port });
    await client.send({ id: 7, method: "ping" });
    const [reply] = await take(client, 1);
    expectTypeOf(reply).toEqualTypeOf<Request>();
    expect(reply.id + 1).toBe(8);
    await client.close();
  });

  it("byteLines with a custom delimiter echoes raw records", async () => {
    const server = await echoServer<Uint8Array>((handler) =>
      byteLines.listen({ port: 0 }, handler, { delimiter: "\0" }),
    );
    const client = await byteLines.connect({ port: server.address.port }, { delimiter: "\0" });
    await client.send(new Uint8Array([1, 10, 13, 255]));
    await client.send(new Uint8Array(0));
    // Node hands out Buffers (a Uint8Array subclass); compare the bytes.
    const records = await take(client, 2);
    expect(records.map((r) => Array.from(r))).toEqual([[1, 10, 13, 255], []]);
    await client.close();
  });

  it("a line that never ends fails with MESSAGE_TOO_LARGE while the peer is still sending it, after the lines before it were echoed; another connection keeps working", async () => {
    const maxMessageSize = 64 * 1024;
    const failures: unknown[] = [];
    const server = await listen(
      { port: 0 },
      async (stream) => {
        try {
          for await (const line of stream) await stream.send(line);
        } catch (error) {
          failures.push(error);
        }
      },
      { maxMessageSize },
    );
    listeners.push(server as Listener<unknown>);
    const bystander = await connect({ port: server.address.port });
    await bystander.send("before");
    expect(await take(bystander, 1)).toEqual(["before"]);

    const endless = net.connect({ port: server.address.port, host: "127.0.0.1" });
    endless.on("error", () => {});
    await new Promise((resolve) => endless.once("connect", resolve));
    let echoed = "";
    endless.on("data", (chunk: Buffer) => {
      echoed += chunk.toString();
    });
    let ended = false;
    endless.once("close", () => {
      ended = true;
    });
    endless.write("fine\n");
    // Bounded: at most 1 MiB, one 1 KiB chunk per millisecond; the server must give up long before that.
    const chunk = Buffer.alloc(1024, "x");
    let sent = 0;
    for (let i = 0; i < 1024 && !ended && failures.length === 0 && endless.writable; i++) {
      endless.write(chunk);
      sent += chunk.length;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await expect.poll(() => ended, { timeout: 5000 }).toBe(true);
    expect(echoed).toBe("fine\n");
    expect(failures).toEqual([expect.objectContaining({ code: "MESSAGE_TOO_LARGE", messageNumber: 2 })]);
    expect(sent).toBeGreaterThan(maxMessageSize);
    expect(sent).toBeLessThan(4 * maxMessageSize);

    await bystander.send("after");
    expect(await take(bystander, 1)).toEqual(["after"]);
    await bystander.close();
  });

  it('oversize: "skip" drops the line, reports it through onWarning and the connection goes on', async () => {
    const warnings: FramedError[] = [];
    const server = await listen(
      { port: 0 },
      async (stream) => {
        stream.onWarning((warning) => warnings.push(warning));
        for await (const line of stream) await stream.send(line);
      },
      { maxMessageSize: 16, oversize: "skip" },
    );
    listeners.push(server as Listener<unknown>);
    const client = await connect({ port: server.address.port });
    await client.send("short");
    await client.send("z".repeat(5000));
    await client.send("still here");
    expect(await take(client, 2)).toEqual(["short", "still here"]);
    expect(warnings.map((w) => [w.code, w.messageNumber])).toEqual([["MESSAGE_TOO_LARGE", 2]]);
    await client.close();
  });

  it("answers a peer that sent its lines and half-closed (printf 'a\\nb\\n' | nc -N)", async () => {
    const server = await listen({ port: 0 }, async (stream) => {
      for await (const line of stream) await stream.send(line.toUpperCase());
      await stream.close();
    });
    listeners.push(server as Listener<unknown>);
    const socket = net.connect(server.address.port, "127.0.0.1");
    let received = "";
    socket.on("data", (data) => {
      received += data;
    });
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.end("a\r\nb\nlast");
    await new Promise((resolve) => socket.once("close", resolve));
    expect(received).toBe("A\nB\nLAST\n");
  });
});

describe("Node stdio", () => {
  it("jsonLines.childProcess round-trips JSON-RPC-style requests with a child on stdio", async () => {
    const child = spawn(
      process.execPath,
      [
        "--conditions=source",
        "--import",
        "tsx",
        fileURLToPath(new URL("./fixtures/ndjson-stdio-child.ts", import.meta.url)),
      ],
      { stdio: ["pipe", "pipe", "inherit"] },
    );
    const rpc = jsonLines.childProcess(child);
    await rpc.send({ id: 1, params: [1, 2, 3] });
    await rpc.send({ id: 2, params: [40, 2] });
    expect(await take(rpc, 2)).toEqual([
      { id: 1, result: 6 },
      { id: 2, result: 42 },
    ]);
    await rpc.close();
    const code = await new Promise((resolve) => child.once("exit", resolve));
    expect(code).toBe(0);
  });
});
