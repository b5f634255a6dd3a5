// Issue 19's guardrails as guardrails.mjs judges them, and how a round's windows add up to one sample.
import { describe, expect, it } from "vitest";
// @ts-expect-error: plain .mjs module without types
import { busyMachine, cpuRose, guardrailsTable, judgeFraming } from "../src/guardrails-report.mjs";
// @ts-expect-error: plain .mjs module without types
import { sumOfWindows } from "../src/paired-rounds.mjs";

const s = (median: number, min = median, max = median) => ({ median, min, max });
const side = (rate: number, cpu: number) => ({ rate: s(rate), cpuMicrosPerMessage: s(cpu), clientBusyMax: 0.2 });
const cpu = (ratio: number, higherInRounds: number) => ({ ratio: s(ratio), higherInRounds, rounds: 7 });
const memoryRow = (rss: number, heap = rss / 2) => ({ rssBytesPerConnection: rss, heapBytesPerConnection: heap });

function row({ rateRatio = 1, cpu64 = cpu(1, 3), cpu64k = cpu(1, 3), peerRatio = 1, headRss = 4000 } = {}) {
  return {
    framing: "websocket",
    peerName: "ws",
    small: { base: side(1e6, 0.4), head: side(1e6 * rateRatio, 0.4), rateRatio: s(rateRatio), cpu: cpu64 },
    large: { base: side(1e4, 40), head: side(1e4, 40), peer: side(1e4, 40), cpu: cpu64k, peerRatio: s(peerRatio) },
    memory: { base: memoryRow(4000), head: memoryRow(headRss), ws: memoryRow(5000) },
  };
}

describe("judgeFraming", () => {
  it("holds 64 B msg/s to within 5% of before: a median per-round ratio of 0.95 passes, 0.94 fails", () => {
    expect(judgeFraming(row({ rateRatio: 0.95 })).rate).toBe(true);
    expect(judgeFraming(row({ rateRatio: 0.94 })).rate).toBe(false);
  });

  it("counts CPU per message as risen only when the median ratio is above 1 in at least 6 of 7 rounds", () => {
    expect(cpuRose(cpu(1.04, 5))).toBe(false);
    expect(cpuRose(cpu(1.04, 6))).toBe(true);
    expect(cpuRose(cpu(0.99, 7))).toBe(false);
    expect(judgeFraming(row({ cpu64: cpu(1.1, 7) })).cpu64).toBe(false);
    expect(judgeFraming(row({ cpu64k: cpu(1.1, 7) })).cpu64k).toBe(false);
    expect(judgeFraming(row({ cpu64k: cpu(1.1, 3) })).cpu64k).toBe(true);
  });

  it("meets the 64 KiB peer goal at a median CPU ratio to the peer of at most 1", () => {
    expect(judgeFraming(row({ peerRatio: 1 })).peerGoal).toBe(true);
    expect(judgeFraming(row({ peerRatio: 1.01 })).peerGoal).toBe(false);
  });

  it("holds idle RSS per connection at or below ws's", () => {
    expect(judgeFraming(row({ headRss: 5000 })).memory).toBe(true);
    expect(judgeFraming(row({ headRss: 5001 })).memory).toBe(false);
  });

  it("leaves a verdict out when its measurement is missing", () => {
    const { memory, ...withoutMemory } = row();
    expect(memory).toBeDefined();
    expect(judgeFraming(withoutMemory)).not.toHaveProperty("memory");
  });
});

describe("guardrailsTable", () => {
  it("has one row per framing, with a dash where nothing was measured", () => {
    const { memory, ...withoutMemory } = row({ rateRatio: 0.9 });
    expect(memory).toBeDefined();
    const lines = guardrailsTable([withoutMemory, { ...row(), framing: "newline" }]).split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatch(/^\| websocket \| 1,000,000 \[1,000,000–1,000,000\] \| 900,000 /);
    expect(lines[2]).toContain("| 0.900 [0.900–0.900] |");
    expect(lines[2]).toContain("msg/s ✗");
    expect(lines[2]).toContain("| – | – | – |");
    expect(lines[3]).toContain("| 3.9 (2.0) | 3.9 (2.0) | 4.9 (2.4) |");
    expect(lines[3]).toContain("memory ≤ ws ✓");
  });
});

describe("sumOfWindows", () => {
  it("adds a participant's windows into one sample: replies over their total time, CPU weighted by replies", () => {
    // 1 s at 1,000 msg/s (2 µs each) and 2 s at 500 msg/s (5 µs each): 2,000 replies in 3 s.
    const sample = sumOfWindows({
      samples: [1000, 500],
      messages: [1000, 1000],
      cpuMicrosPerMessage: [2, 5],
      clientBusy: [0.2, 0.4],
    });
    expect(sample).toEqual({ rate: 667, cpu: 3.5, messages: 2000, clientBusy: 0.4 });
  });

  it("is the window itself when there is one", () => {
    const one = { samples: [1234], messages: [5000], cpuMicrosPerMessage: [0.75], clientBusy: [0.1] };
    expect(sumOfWindows(one)).toEqual({ rate: 1234, cpu: 0.75, messages: 5000, clientBusy: 0.1 });
  });
});

describe("busyMachine", () => {
  it("is true when the 1-minute load average exceeded the cores before or after the run", () => {
    expect(busyMachine({ loadBefore: [1.5, 0, 0], loadAfter: [1.9, 0, 0], cpus: 2 })).toBe(false);
    expect(busyMachine({ loadBefore: [1.5, 0, 0], loadAfter: [2.5, 0, 0], cpus: 2 })).toBe(true);
  });
});
