// `framed listen` and `framed bridge` run as child processes: what arrives is printed with its connection,
// stdin goes to every client, --echo answers, and a bridge carries whole messages both ways between a
// WebSocket client and a newline TCP server, closing one side when the other closes.
import { once } from "node:events";
import * as net from "node:net";
import type { MessageStream } from "@framed/core";
import { connect as connectLengthPrefix } from "@framed/length-prefix/node";
import { connect as connectNewline, listen as listenNewline } from "@framed/newline/node";
import { listen as listenWebSocket } from "@framed/websocket/node";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { type CliProcess, ensureBuilt, startCli } from "./run-cli.ts";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
beforeAll(() => ensureBuilt(), 60_000);

async function start(args: string[]): Promise<{ cli: CliProcess; port: number }> {
  const cli = startCli(args);
  cleanups.push(() => {
    if (cli.child.exitCode === null) cli.child.kill("SIGKILL");
  });
  const match = await cli.waitFor(/(?:listening on|bridging) [^\n]*?:(\d+)\b|"port":(\d+)/);
  return { cli, port: Number(match[1] ?? match[2]) };
}

async function openWebSocket(
  url: string,
): Promise<{ socket: WebSocket; received: string[]; closed: Promise<[number, string]> }> {
  const socket = new WebSocket(url);
  const received: string[] = [];
  socket.on("message", (data) => received.push(data.toString()));
  const closed = new Promise<[number, string]>((resolve) =>
    socket.on("close", (code, reason) => resolve([code, reason.toString()])),
  );
  await once(socket, "open");
  return { socket, received, closed };
}

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("framed listen", () => {
  it("--echo sends each message back and prints it tagged with its connection; --once exits 0 after it closes", async () => {
    const { cli, port } = await start(["listen", "0", "--framing", "websocket", "--echo", "--once"]);
    const client = await openWebSocket(`ws://127.0.0.1:${port}/`);
    client.socket.send("hello");
    client.socket.send("world");
    await until(() => client.received.length === 2, "two echoes");
    expect(client.received).toEqual(["hello", "world"]);
    client.socket.close(1000);
    const { code, stdout, stderr } = await cli.done();
    expect(stdout).toBe("#1 hello\n#1 world\n");
    expect(stderr).toMatch(/#1 connected from 127\.0\.0\.1:\d+/);
    expect(code).toBe(0);
  });

  it("sends each stdin line to every open connection, and --json tags events with the connection", async () => {
    const { cli, port } = await start(["listen", "127.0.0.1:0", "--framing", "newline", "--json"]);
    const first = await connectNewline({ port });
    const second = await connectNewline({ port });
    await cli.waitFor(/"connection":2/);
    await first.send("from one");
    await cli.waitFor(/from one/);
    cli.child.stdin.write("to all\n");
    const [a, b] = [first[Symbol.asyncIterator](), second[Symbol.asyncIterator]()];
    expect((await a.next()).value).toBe("to all");
    expect((await b.next()).value).toBe("to all");
    await first.close();
    await cli.waitFor(/"event":"close","connection":1/);
    await second.close();
    cli.child.kill("SIGTERM");
    const { code, stdout } = await cli.done();
    const events = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(events[0]).toMatchObject({ event: "listening", port });
    expect(events).toContainEqual({ event: "message", connection: 1, type: "text", data: "from one" });
    expect(code).toBe(0);
  });
});

describe("framed bridge", () => {
  async function upperCaseLineServer(): Promise<{ port: number; ended: () => number }> {
    let ended = 0;
    const server = await listenNewline({ port: 0 }, async (stream: MessageStream<string>) => {
      await stream.consume((line) => stream.send(line.toUpperCase()));
      ended++;
    });
    cleanups.push(() => server.close());
    return { port: server.address.port, ended: () => ended };
  }

  it("carries WebSocket messages to a newline TCP server and its lines back, one message per line, in order", async () => {
    const upstream = await upperCaseLineServer();
    const { port } = await start(["bridge", "ws://127.0.0.1:0", `newline://127.0.0.1:${upstream.port}`]);
    const client = await openWebSocket(`ws://127.0.0.1:${port}/`);
    const big = "x".repeat(1024 * 1024);
    const messages = [...Array.from({ length: 2000 }, (_, i) => `message ${i}`), big, "last one"];
    for (const message of messages) client.socket.send(message);
    await until(() => client.received.length === messages.length, "every reply", 20_000);
    expect(client.received).toEqual(messages.map((message) => message.toUpperCase()));
    client.socket.close(1000);
    await until(() => upstream.ended() === 1, "the upstream connection to end");
  });

  it("carries length-prefixed records to a WebSocket server as binary messages and its replies back as records", async () => {
    const kinds: string[] = [];
    const upstream = await listenWebSocket({ port: 0 }, (stream) =>
      stream.consume((message) => {
        kinds.push(typeof message === "string" ? "text" : "binary");
        return stream.send(message);
      }),
    );
    cleanups.push(() => upstream.close());
    const { port } = await start(["bridge", "lp://127.0.0.1:0", upstream.url, "--header", "uint16be"]);
    const client = await connectLengthPrefix({ port }, { header: "uint16be" });
    const records = [Uint8Array.of(0, 1, 2, 255), new Uint8Array(0), new TextEncoder().encode("text as bytes")];
    for (const record of records) await client.send(record);
    const replies: Uint8Array[] = [];
    for await (const reply of client) {
      replies.push(reply.slice());
      if (replies.length === records.length) break;
    }
    expect(replies).toEqual(records);
    expect(kinds).toEqual(["binary", "binary", "binary"]);
  });

  it("refuses to listen on wss:// (no certificate to serve) with a usage error", async () => {
    const cli = startCli(["bridge", "wss://127.0.0.1:0", "127.0.0.1:1"]);
    const { code, stderr } = await cli.done();
    expect(stderr).toMatch(/cannot listen on "wss:\/\/127\.0\.0\.1:0": framed listens without TLS/);
    expect(code).toBe(2);
  });

  it("closes the WebSocket with 1011 when the upstream cannot be reached, and exits with --once's code", async () => {
    const upstream = await upperCaseLineServer();
    const refused = upstream.port;
    await cleanups.pop()?.(); // stop the line server: its port now refuses connections
    const { cli, port } = await start(["bridge", "ws://127.0.0.1:0", `newline://127.0.0.1:${refused}`, "--once"]);
    const client = await openWebSocket(`ws://127.0.0.1:${port}/`);
    expect(await client.closed).toEqual([1011, "upstream unavailable"]);
    const { code, stderr } = await cli.done();
    expect(stderr).toMatch(/#1 cannot reach newline 127\.0\.0\.1:\d+: connection refused/);
    expect(code).toBe(3);
  });

  it("ends the WebSocket with a normal close when the newline server hangs up", async () => {
    const server = await listenNewline({ port: 0 }, async (stream) => {
      for await (const line of stream) {
        await stream.send(`bye ${line}`);
        await stream.close();
      }
    });
    cleanups.push(() => server.close());
    const { port } = await start(["bridge", "ws://127.0.0.1:0", `127.0.0.1:${server.address.port}`]);
    const client = await openWebSocket(`ws://127.0.0.1:${port}/`);
    client.socket.send("alice");
    const [code] = await client.closed;
    expect(client.received).toEqual(["bye alice"]);
    expect(code).toBe(1000);
  });

  it("applies backpressure end to end: a WebSocket client's sends wait while the TCP server does not read", async () => {
    const sockets: net.Socket[] = [];
    let received = 0;
    let lines = 0;
    const server = net.createServer((socket) => {
      sockets.push(socket);
      socket.pause();
      socket.on("data", (chunk: Buffer) => {
        received += chunk.length;
        for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) lines++;
      });
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    cleanups.push(() => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    });
    const upstreamPort = (server.address() as net.AddressInfo).port;
    const { port } = await start(["bridge", "ws://127.0.0.1:0", `newline://127.0.0.1:${upstreamPort}`, "--no-deflate"]);
    const client = await openWebSocket(`ws://127.0.0.1:${port}/`);
    const message = "y".repeat(64 * 1024 - 1);
    const count = 1024; // 64 MiB in all
    for (let i = 0; i < count; i++) client.socket.send(message);
    // Wait until the pipeline is full: the client's unsent bytes stop going down.
    let last = Number.POSITIVE_INFINITY;
    for (let round = 0; round < 100 && client.socket.bufferedAmount < last; round++) {
      last = client.socket.bufferedAmount;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // Socket buffers on both hops and the bridge's bounded queues hold some; the rest waits at the client.
    expect(client.socket.bufferedAmount).toBeGreaterThan(24 * 1024 * 1024);
    for (const socket of sockets) socket.resume();
    await until(() => lines === count, "every line at the server", 20_000);
    expect(received).toBe(count * 64 * 1024);
    client.socket.close(1000);
  });
});
