// The load client's `--cpu-pids` (what bench/src/paired.mjs reads CPU per message from): each sample also
// carries the replies counted and the server's CPU µs per message over the same window, read from /proc, and
// how busy the client itself was (its CPU time over the window ÷ the window).
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
// @ts-expect-error: plain .mjs module without types
import { ceiling } from "../src/cases.mjs";
// @ts-expect-error: plain .mjs module without types
import { liveChildren, runJsonProcess, startServer } from "../src/processes.mjs";

const client = fileURLToPath(new URL("../src/client.mjs", import.meta.url));

describe("load client CPU per message", () => {
  it("reports, per sample, the replies counted, the server's CPU µs per message and the client's busy share in the counted window", async () => {
    const server = await startServer(ceiling.command, ceiling.args);
    type Target = { samples: number[]; messages: number[]; cpuMicrosPerMessage: number[]; clientBusy: number[] };
    let result: { targets: Target[] };
    try {
      const args = ["--targets", String(server.port), "--kind", "lp-varint", "--size", "64", "--inflight", "64"];
      const timing = ["--rounds", "2", "--duration", "300", "--warmup", "100", "--cpu-pids", String(server.pid)];
      result = await runJsonProcess(client, [...args, ...timing], { timeoutMs: 20_000 });
    } finally {
      await server.stop();
    }
    const [target] = result.targets;
    expect(target.samples).toHaveLength(2);
    expect(target.messages).toHaveLength(2);
    expect(target.cpuMicrosPerMessage).toHaveLength(2);
    for (const [i, perMessage] of target.cpuMicrosPerMessage.entries()) {
      expect(target.messages[i]).toBeGreaterThan(1000);
      // An echo of 64-byte messages costs well under a millisecond each, and more than nothing over 0.3 s.
      expect(perMessage).toBeGreaterThanOrEqual(0);
      expect(perMessage).toBeLessThan(1000);
    }
    expect(target.cpuMicrosPerMessage.some((perMessage) => perMessage > 0)).toBe(true);
    // One thread counting thousands of replies: busy for part of the window, never more than all of it (plus
    // the libuv threads' share, hence the margin).
    expect(target.clientBusy).toHaveLength(2);
    for (const busy of target.clientBusy) {
      expect(busy).toBeGreaterThan(0);
      expect(busy).toBeLessThan(2);
    }
    expect(liveChildren()).toBe(0);
  });
});
