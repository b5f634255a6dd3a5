/**
 * The load run: N connections to one echo server, each keeping a window of sequence-numbered messages in
 * flight for a fixed time; every reply is checked for loss and order, and its round trip timed.
 */
import type { MessageStream } from "@framed/core";
import type { Driver } from "./drivers.ts";
import { startEcho } from "./echo-process.ts";
import { LatencyReservoir } from "./latency.ts";

export interface LoadOptions {
  runtime: "node" | "deno";
  connections: number;
  durationMs: number;
  inFlight: number;
}

export interface LoadResult {
  framing: string;
  runtime: string;
  connections: number;
  durationMs: number;
  messages: number;
  messagesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  problems: string[];
}

const CONNECT_BATCH = 250;

export async function runLoad(driver: Driver, options: LoadOptions): Promise<LoadResult> {
  const server = await startEcho([...driver.echoArgs, "--runtime", options.runtime, "--quiet"]);
  const problems: string[] = [];
  const latency = new LatencyReservoir();
  let messages = 0;
  const streams: MessageStream<unknown>[] = [];
  try {
    for (let opened = 0; opened < options.connections; opened += CONNECT_BATCH) {
      const batch = Math.min(CONNECT_BATCH, options.connections - opened);
      const results = await Promise.allSettled(Array.from({ length: batch }, () => driver.connect(server.port)));
      for (const result of results) {
        if (result.status === "fulfilled") streams.push(result.value);
        else problems.push(`connect failed: ${(result.reason as Error).message}`);
      }
      if (problems.length > 10) break;
    }
    const started = performance.now();
    const deadline = started + options.durationMs;
    await Promise.all(
      streams.map(async (stream, index) => {
        let nextSeq = 0;
        let expected = 0;
        const sendOne = () => stream.send(driver.encode({ seq: nextSeq++, sentAt: performance.now() }));
        try {
          for (let i = 0; i < options.inFlight; i++) await sendOne();
          for await (const message of stream) {
            const probe = driver.decode(message);
            if (probe.seq !== expected) {
              problems.push(`connection ${index}: expected message ${expected}, got ${probe.seq}`);
              break;
            }
            expected++;
            messages++;
            latency.add(performance.now() - probe.sentAt);
            if (performance.now() < deadline) await sendOne();
            else if (expected === nextSeq) break;
          }
          if (expected !== nextSeq) problems.push(`connection ${index}: ${nextSeq - expected} replies lost`);
        } catch (error) {
          problems.push(`connection ${index}: ${(error as Error).message}`);
        }
      }),
    );
    const elapsed = performance.now() - started;
    return {
      framing: driver.name,
      runtime: options.runtime,
      connections: streams.length,
      durationMs: Math.round(elapsed),
      messages,
      messagesPerSecond: Math.round((messages / elapsed) * 1000),
      p50Ms: Number(latency.percentile(50).toFixed(2)),
      p99Ms: Number(latency.percentile(99).toFixed(2)),
      problems: problems.slice(0, 20),
    };
  } finally {
    await Promise.allSettled(streams.map((stream) => stream.close()));
    await server.stop();
  }
}
