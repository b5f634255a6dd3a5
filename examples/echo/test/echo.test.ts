// Smoke test of the echo example: each framing on Node, Deno and Bun echoes messages, and bad input closes only
// the offending connection with a logged reason (WebSocket: the right close code).
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import * as net from "node:net";
import { fileURLToPath } from "node:url";
import { connect as connectLengthPrefix } from "@framed/length-prefix/node";
import { connect as connectNewline } from "@framed/newline/node";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const running: ChildProcess[] = [];

afterEach(() => {
  // SIGTERM, not SIGKILL: scripts/example.mjs forwards it to the example it started.
  for (const child of running.splice(0)) child.kill("SIGTERM");
});

async function startEcho(
  args: string[],
): Promise<{ port: number; url: string; output: () => string; stop: () => void }> {
  const child = spawn(process.execPath, ["scripts/example.mjs", "echo", "--port", "0", ...args], { cwd: root });
  running.push(child);
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const deadline = Date.now() + 20_000;
  while (!/listening on (\S+)/.test(output)) {
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`echo ${args.join(" ")} did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const url = /listening on (\S+)/.exec(output)?.[1] ?? "";
  return { port: Number(/:(\d+)\/?$/.exec(url)?.[1]), url, output: () => output, stop: () => child.kill("SIGTERM") };
}

async function rawExchange(port: number, bytes: Uint8Array): Promise<Buffer> {
  const socket = net.connect({ port, host: "127.0.0.1" });
  const received: Buffer[] = [];
  socket.on("data", (chunk) => received.push(chunk));
  socket.on("error", () => {});
  socket.write(bytes);
  await new Promise((resolve) => socket.once("close", resolve));
  return Buffer.concat(received);
}

for (const runtime of ["node", "deno", "bun"] as const) {
  describe(`echo example on ${runtime}`, () => {
    it("length-prefix (varint) echoes messages; an oversized one closes only its connection", async () => {
      const echo = await startEcho([
        "--framing",
        "length-prefix",
        "--header",
        "varint",
        "--runtime",
        runtime,
        "--max-message-size",
        "1024",
      ]);
      expect(echo.output()).toContain(`echo (length-prefix, ${runtime}) listening on 127.0.0.1:`);
      const client = await connectLengthPrefix({ port: echo.port }, { header: "varint" });
      await client.send(Uint8Array.of(1, 2, 3));
      const echoed = await rawExchange(echo.port, Uint8Array.of(1, 42, 0x80, 0x10));
      expect([...echoed]).toEqual([1, 42]);
      await expect.poll(echo.output).toContain("MESSAGE_TOO_LARGE");
      expect((await client[Symbol.asyncIterator]().next()).value).toEqual(Uint8Array.of(1, 2, 3));
      await client.close();
    });

    it("newline echoes lines; a line over the limit closes only its connection", async () => {
      const echo = await startEcho(["--framing", "newline", "--runtime", runtime, "--max-message-size", "16"]);
      const client = await connectNewline({ port: echo.port });
      await client.send("hello");
      const echoed = await rawExchange(echo.port, new TextEncoder().encode(`ok\n${"x".repeat(40)}\n`));
      expect(echoed.toString()).toBe("ok\n");
      await expect.poll(echo.output).toContain("MESSAGE_TOO_LARGE");
      expect((await client[Symbol.asyncIterator]().next()).value).toBe("hello");
      await client.close();
    });

    it("newline echoes any bytes by default (invalid UTF-8, CR LF, empty lines), and --lines text refuses invalid UTF-8", async () => {
      const bytes = await startEcho(["--framing", "newline", "--runtime", runtime]);
      const raw = Uint8Array.of(0xff, 0xfe, 0x0a, 0x61, 0x0d, 0x0a, 0x0a, 0x62, 0x0a);
      const socket = net.connect({ port: bytes.port, host: "127.0.0.1" });
      const received: Buffer[] = [];
      socket.on("data", (chunk) => received.push(chunk));
      socket.write(raw);
      await expect.poll(() => Buffer.concat(received).length).toBe(raw.length);
      expect([...Buffer.concat(received)]).toEqual([...raw]);
      socket.destroy();

      const text = await startEcho(["--framing", "newline", "--lines", "text", "--runtime", runtime]);
      await rawExchange(text.port, Uint8Array.of(0xff, 0x0a));
      await expect.poll(text.output).toContain("INVALID_UTF8");
    });
  });
}

for (const runtime of ["node", "deno", "bun"] as const) {
  describe(`echo example: websocket on ${runtime}`, () => {
    it("echoes text as text and binary as binary, closes an oversized message with 1009, and says 1001 on shutdown", async () => {
      const echo = await startEcho(["--framing", "websocket", "--runtime", runtime, "--max-message-size", "1024"]);
      expect(echo.output()).toContain(`echo (websocket, ${runtime}) listening on ws://127.0.0.1:`);
      expect(echo.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/$/);
      const bystander = new WebSocket(echo.url);
      const socket = new WebSocket(echo.url, { perMessageDeflate: true });
      await Promise.all([once(socket, "open"), once(bystander, "open")]);
      expect(socket.extensions).toContain("permessage-deflate");
      const replies: Array<{ text: boolean; data: string }> = [];
      socket.on("message", (data, isBinary) => replies.push({ text: !isBinary, data: data.toString() }));
      socket.send("hello");
      socket.send(Buffer.from("bytes"));
      await expect
        .poll(() => replies)
        .toEqual([
          { text: true, data: "hello" },
          { text: false, data: "bytes" },
        ]);
      const closed = new Promise<number>((resolve) => socket.once("close", resolve));
      socket.send("x".repeat(2000));
      expect(await closed).toBe(1009);
      await expect.poll(echo.output).toContain("closed on bad input: MESSAGE_TOO_LARGE");
      const goingAway = new Promise<number>((resolve) => bystander.once("close", resolve));
      echo.stop();
      expect(await goingAway).toBe(1001);
    });
  });
}

describe("echo example: websocket over HTTP/2 on node (--http2)", () => {
  it("serves WebSocket over HTTP/2 and over HTTP/1.1 on one TLS port with the same listening line", async () => {
    const { connect, Http2SessionPool } = await import("@framed/websocket/node");
    const echo = await startEcho(["--framing", "websocket", "--runtime", "node", "--http2"]);
    expect(echo.output()).toContain("echo (websocket, node) listening on wss://127.0.0.1:");
    // The certificate is a throwaway one made at start-up: nothing to trust, so verification is off here.
    const tls = { rejectUnauthorized: false };
    const pool = new Http2SessionPool({ tls });
    const streams = await Promise.all([
      connect(echo.url, { http2: pool, http2Fallback: "fail" }),
      connect(echo.url, { http2: pool, http2Fallback: "fail" }),
    ]);
    expect(pool.size).toBe(1);
    const overHttp1 = await connect(echo.url, { tls });
    for (const [i, stream] of [...streams, overHttp1].entries()) {
      await stream.send(`hello ${i}`);
      expect((await stream[Symbol.asyncIterator]().next()).value).toBe(`hello ${i}`);
      expect(stream.deflate).not.toBeNull();
    }
    await Promise.all([...streams, overHttp1].map((stream) => stream.close()));
    await pool.close();
  });
});
