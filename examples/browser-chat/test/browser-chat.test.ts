// Smoke test of the browser-chat example on Node: a WebSocket client and the length-prefix CLI client see each
// other's messages through the server, and bad input closes only the client that sent it, with a logged reason.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import * as net from "node:net";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const running: ChildProcess[] = [];

afterEach(() => {
  for (const child of running.splice(0)) child.kill("SIGTERM");
});

/** Run `pnpm example browser-chat <args>`; output collects stdout and stderr. */
function runExample(args: string[]) {
  const child = spawn(process.execPath, ["scripts/example.mjs", "browser-chat", ...args], { cwd: root });
  running.push(child);
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  return { child, output: () => output };
}

async function waitFor(output: () => string, pattern: RegExp, what: string): Promise<RegExpExecArray> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const match = pattern.exec(output());
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`${what} did not happen:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function startServer() {
  const server = runExample(["--port", "0", "--tcp-port", "0"]);
  const [, url] = await waitFor(server.output, /browser-chat listening on (http:\/\/\S+)/, "server start");
  const [, tcpPort] = await waitFor(server.output, /length-prefix chat on 127\.0\.0\.1:(\d+)/, "server start");
  return { ...server, webSocketUrl: `${url.replace("http:", "ws:")}/chat`, tcpPort: Number(tcpPort) };
}

async function openWebSocket(url: string) {
  const socket = new WebSocket(url);
  const received: unknown[] = [];
  socket.on("message", (data) => received.push(JSON.parse(data.toString())));
  await once(socket, "open");
  return { socket, received };
}

describe("browser-chat example on Node", () => {
  it("a WebSocket client and the length-prefix CLI client see each other's messages", async () => {
    const server = await startServer();
    const alice = await openWebSocket(server.webSocketUrl);
    const bob = runExample(["--client", "--tcp-port", String(server.tcpPort), "--name", "bob"]);
    await waitFor(bob.output, /client bob connected/, "bob connecting");
    await waitFor(server.output, /\(2 connected\)/, "bob joining");

    bob.child.stdin?.write("hello from the terminal\n");
    await expect.poll(() => alice.received).toContainEqual({ from: "bob", text: "hello from the terminal" });

    alice.socket.send(JSON.stringify({ from: "alice", text: "hi bob, from a WebSocket" }));
    await waitFor(bob.output, /^alice: hi bob, from a WebSocket$/m, "bob receiving alice's message");
    expect(alice.received).toContainEqual({ from: "alice", text: "hi bob, from a WebSocket" });

    bob.child.stdin?.end();
    await waitFor(bob.output, /disconnected \(local\)/, "bob leaving");
    alice.socket.close();
  });

  it("a WebSocket message that is not JSON closes that client with 1008 and a reason; others keep chatting", async () => {
    const server = await startServer();
    const alice = await openWebSocket(server.webSocketUrl);
    const mallory = await openWebSocket(server.webSocketUrl);
    const closed = once(mallory.socket, "close");
    mallory.socket.send("this is not json");
    const [code, reason] = await closed;
    expect(code).toBe(1008);
    expect(String(reason)).toContain("not a chat message: not JSON");
    await waitFor(server.output, /websocket \S+ closed on bad input: not a chat message: not JSON/, "the log line");

    const oversized = await openWebSocket(server.webSocketUrl);
    const tooBig = once(oversized.socket, "close");
    oversized.socket.send(JSON.stringify({ from: "big", text: "x".repeat(9000) }));
    expect((await tooBig)[0]).toBe(1009);
    await waitFor(server.output, /closed on bad input: MESSAGE_TOO_LARGE/, "the oversize log line");

    alice.socket.send(JSON.stringify({ from: "alice", text: "still here" }));
    await expect.poll(() => alice.received).toContainEqual({ from: "alice", text: "still here" });
    alice.socket.close();
  });

  it("an oversized length-prefix header closes only that TCP client, logged as MESSAGE_TOO_LARGE", async () => {
    const server = await startServer();
    const alice = await openWebSocket(server.webSocketUrl);
    const raw = net.connect({ host: "127.0.0.1", port: server.tcpPort });
    raw.on("error", () => {});
    await once(raw, "connect");
    raw.write(Uint8Array.of(0, 1, 0, 0)); // uint32be length 65536, over the 8 KiB limit
    await once(raw, "close");
    await waitFor(server.output, /length-prefix \S+ closed on bad input: MESSAGE_TOO_LARGE/, "the log line");

    alice.socket.send(JSON.stringify({ from: "alice", text: "unaffected" }));
    await expect.poll(() => alice.received).toContainEqual({ from: "alice", text: "unaffected" });
    alice.socket.close();
  });
});
