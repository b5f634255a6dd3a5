/**
 * Bounded memory against slow peers: push 1 GiB at a peer that does not read, and at a stream whose
 * consumer does not iterate, sampling this process's RSS. Both must stay under a stated bound.
 */
import * as net from "node:net";
import { wrap } from "@framed/core/node";
import type { Driver } from "./drivers.ts";

export interface MemoryResult {
  scenario: string;
  framing: string;
  pushedBytes: number;
  maxRssGrowthMiB: number;
  boundMiB: number;
  ok: boolean;
}

const GIB = 1024 * 1024 * 1024;
const BOUND_MIB = 96;
const CHUNK = 64 * 1024;

function rssSampler() {
  global.gc?.();
  const base = process.memoryUsage.rss();
  let max = base;
  const timer = setInterval(() => {
    max = Math.max(max, process.memoryUsage.rss());
  }, 20);
  return {
    stop: () => {
      clearInterval(timer);
      max = Math.max(max, process.memoryUsage.rss());
      return (max - base) / (1024 * 1024);
    },
  };
}

async function listenRaw(onSocket: (socket: net.Socket) => void): Promise<net.Server> {
  const server = net.createServer(onSocket);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

const port = (server: net.Server) => (server.address() as net.AddressInfo).port;

/** A framed sender pushes 1 GiB at a peer that reads nothing for 2 s, then drains everything. */
export async function pushAtNonReadingPeer(driver: Driver): Promise<MemoryResult> {
  let peer: net.Socket | undefined;
  let received = 0;
  const server = await listenRaw((socket) => {
    peer = socket;
    socket.pause();
    socket.on("data", (chunk) => {
      received += chunk.length;
    });
  });
  const socket = net.connect({ port: port(server), host: "127.0.0.1" });
  await new Promise((resolve) => socket.once("connect", resolve));
  const stream = wrap(socket, await driver.framing(2 * CHUNK));
  const payload = driver.name === "newline" ? "n".repeat(CHUNK - 1) : new Uint8Array(CHUNK);
  const sampler = rssSampler();
  // The peer starts reading after 2 s; until then send must wait (that is the point), not buffer 1 GiB.
  const resume = setTimeout(() => peer?.resume(), 2000);
  let pushed = 0;
  while (pushed < GIB) {
    await stream.send(payload);
    pushed += CHUNK;
  }
  clearTimeout(resume);
  peer?.resume();
  await stream.close();
  const growth = sampler.stop();
  server.close();
  return {
    scenario: "send 1 GiB to a peer that does not read for 2 s",
    framing: driver.name,
    pushedBytes: pushed,
    maxRssGrowthMiB: Math.round(growth),
    boundMiB: BOUND_MIB,
    ok: growth < BOUND_MIB && received > 0,
  };
}

/** A raw peer pushes 1 GiB of valid frames at a framed stream whose consumer waits 2 s before iterating. */
export async function pushAtNonIteratingConsumer(driver: Driver): Promise<MemoryResult> {
  const framing = await driver.framing(2 * CHUNK);
  let consumed = 0;
  const server = await listenRaw((socket) => {
    const stream = wrap(socket, framing, { role: "server" });
    setTimeout(async () => {
      try {
        for await (const _ of stream) consumed++;
      } catch {
        // The raw pusher just ends the socket; a WebSocket session calls that a drop (1006). Counted above.
      }
    }, 2000);
  });
  // Pre-encode one frame with a client-side session, then write it repeatedly with backpressure.
  const { encodeMessages } = await import("@framed/core/testing");
  const payload = driver.name === "newline" ? "n".repeat(CHUNK - 1) : new Uint8Array(CHUNK);
  const frame = encodeMessages(framing, [payload], "client");
  const socket = net.connect({ port: port(server), host: "127.0.0.1" });
  await new Promise((resolve) => socket.once("connect", resolve));
  const sampler = rssSampler();
  let pushed = 0;
  while (pushed < GIB) {
    if (!socket.write(frame)) await new Promise((resolve) => socket.once("drain", resolve));
    pushed += frame.length;
  }
  await new Promise<void>((resolve) => socket.end(resolve));
  const frames = Math.floor(pushed / frame.length);
  const deadline = Date.now() + 60_000;
  while (consumed < frames && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  const growth = sampler.stop();
  server.close();
  return {
    scenario: "receive 1 GiB while the consumer does not iterate for 2 s",
    framing: driver.name,
    pushedBytes: pushed,
    maxRssGrowthMiB: Math.round(growth),
    boundMiB: BOUND_MIB,
    ok: growth < BOUND_MIB && consumed === frames,
  };
}
