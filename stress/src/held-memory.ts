/**
 * Bytes a server holds for a peer that sends and never reads: the echo example (its own process, Node or
 * Deno) gets messages of 64 KiB, 1 MiB and `maxMessageSize` from raw clients that never read the echoes,
 * until the server stops taking bytes; the server's RSS growth divided by the clients is what one hostile
 * connection can pin. The bound is the worst case the core README states.
 */
import { readFileSync } from "node:fs";
import * as net from "node:net";
import type { Framing } from "@framed/core";
import { DEFAULT_MAX_MESSAGE_SIZE } from "@framed/core";
import type { Driver } from "./drivers.ts";
import { startEcho } from "./echo-process.ts";

export interface HeldMemoryResult {
  framing: string;
  runtime: "node" | "deno";
  messageBytes: number;
  connections: number;
  /** Bytes the clients wrote before the server stopped reading them (per connection). */
  pushedPerConnectionMiB: number;
  /** Server RSS growth per connection once it stopped reading. */
  heldPerConnectionMiB: number;
  boundMiB: number;
  ok: boolean;
}

const MIB = 1024 * 1024;
const CONNECTIONS = 2;
/** A writer blocked this long is taken as the server no longer reading. */
const STALL_MS = 1500;
/** Loopback send and receive buffers that fill before the server's own queues (generous). */
const SOCKET_BUFFERS = 16 * MIB;
/** readableHighWaterMark + writableHighWaterMark + one 64 KiB read + 3 × maxMessageSize (core README). */
const boundBytes = (maxMessageSize: number) => 2 * MIB + 64 * 1024 + 3 * maxMessageSize;

/** VmRSS of `pid` and every process under it (the echo example runs its server as a child, or a grandchild). */
function treeRss(pid: number): number {
  let total = 0;
  const pending = [pid];
  while (pending.length > 0) {
    const current = pending.pop() as number;
    try {
      const status = readFileSync(`/proc/${current}/status`, "utf8");
      total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
      const children = readFileSync(`/proc/${current}/task/${current}/children`, "utf8").trim();
      if (children) pending.push(...children.split(/\s+/).map(Number));
    } catch {
      // The process is gone.
    }
  }
  return total;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A raw client that has finished the opening handshake (WebSocket) and will never read again. */
async function openNonReader(port: number, websocket: boolean): Promise<net.Socket> {
  const socket = net.connect({ port, host: "127.0.0.1" });
  await new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  socket.on("error", () => {});
  if (websocket) {
    socket.write(
      "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    );
    await new Promise<void>((resolve, reject) => {
      let head = "";
      const onData = (chunk: Buffer) => {
        head += chunk.toString("latin1");
        if (!head.includes("\r\n\r\n")) return;
        socket.off("data", onData);
        if (head.startsWith("HTTP/1.1 101")) resolve();
        else reject(new Error(`upgrade refused: ${head.split("\r\n")[0]}`));
      };
      socket.on("data", onData);
    });
  }
  socket.pause();
  return socket;
}

/** Write `frame` until the socket has been blocked for STALL_MS or `cap` bytes went out; returns the bytes written. */
async function pushUntilStalled(socket: net.Socket, frame: Uint8Array, cap: number): Promise<number> {
  let pushed = 0;
  while (pushed < cap && !socket.destroyed) {
    pushed += frame.length;
    if (socket.write(frame)) continue;
    const drained = await Promise.race([
      new Promise<boolean>((resolve) => socket.once("drain", () => resolve(true))),
      sleep(STALL_MS).then(() => false),
    ]);
    if (!drained) break;
  }
  return pushed;
}

async function measureOne(
  driver: Driver,
  runtime: "node" | "deno",
  messageBytes: number,
  framing: Framing<unknown>,
): Promise<HeldMemoryResult> {
  const echo = await startEcho([...driver.echoArgs, "--runtime", runtime, "--quiet"]);
  const pid = echo.child.pid as number;
  const sockets: net.Socket[] = [];
  try {
    const websocket = driver.name === "websocket";
    for (let i = 0; i < CONNECTIONS; i++) sockets.push(await openNonReader(echo.port, websocket));
    await sleep(300);
    const base = treeRss(pid);
    const { encodeMessages } = await import("@framed/core/testing");
    // newline: the delimiter is not part of the message, so the line fits maxMessageSize exactly.
    const payload = driver.name === "newline" ? "n".repeat(messageBytes - 1) : new Uint8Array(messageBytes);
    const frame = encodeMessages(framing, [payload], "client");
    // Far more than any bound, so an unbounded server shows it; small enough to finish in seconds.
    const cap = Math.max(256 * MIB, 8 * messageBytes);
    const pushed = await Promise.all(sockets.map((socket) => pushUntilStalled(socket, frame, cap)));
    await sleep(500);
    const held = (treeRss(pid) - base) / CONNECTIONS;
    const bound = boundBytes(DEFAULT_MAX_MESSAGE_SIZE);
    const pushedPerConnection = pushed.reduce((a, b) => a + b, 0) / CONNECTIONS;
    return {
      framing: driver.name,
      runtime,
      messageBytes,
      connections: CONNECTIONS,
      pushedPerConnectionMiB: Math.round(pushedPerConnection / MIB),
      heldPerConnectionMiB: Math.round((held / MIB) * 10) / 10,
      boundMiB: Math.round(bound / MIB),
      // The server must stop taking bytes within the bound (plus both kernels' socket buffers); RSS also counts
      // copies the collector has not reclaimed yet (the received chunks, a string and its bytes), so it gets twice.
      ok: pushedPerConnection <= bound + SOCKET_BUFFERS && held < 2 * bound,
    };
  } finally {
    for (const socket of sockets) socket.destroy();
    await echo.stop();
  }
}

/** Every framing × runtime × message size (64 KiB, 1 MiB, maxMessageSize). */
export async function measureHeldMemory(driver: Driver, runtime: "node" | "deno"): Promise<HeldMemoryResult[]> {
  const framing = await driver.framing(DEFAULT_MAX_MESSAGE_SIZE);
  const results: HeldMemoryResult[] = [];
  for (const size of [64 * 1024, MIB, DEFAULT_MAX_MESSAGE_SIZE]) {
    results.push(await measureOne(driver, runtime, size, framing));
  }
  return results;
}
