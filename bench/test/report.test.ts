// Comparing two servers: ratios are paired round by round, so drift that moves both alike cancels out.
import { describe, expect, it } from "vitest";
// @ts-expect-error: plain .mjs module without types
import { ceilingChecks, compare, pairedRatio, verdicts } from "../src/report.mjs";

describe("pairedRatio", () => {
  it("takes the median of per-round ratios, so a machine slowing down over the run does not skew it", () => {
    // Both servers lose half their speed by round 3; ours is always 0.4× the ceiling within a round.
    const ours = { samples: [1_600_000, 1_200_000, 800_000], messagesPerSecond: 1_200_000 };
    const ceiling = { samples: [4_000_000, 3_000_000, 2_000_000], messagesPerSecond: 3_000_000 };
    const { ratio, rounds } = pairedRatio(ours, ceiling);
    expect(rounds).toEqual([0.4, 0.4, 0.4]);
    expect(ratio).toBeCloseTo(0.4);
  });

  it("is robust to one disturbed round", () => {
    const ours = { samples: [1_900_000, 900_000, 1_850_000], messagesPerSecond: 1_850_000 };
    const ceiling = { samples: [4_500_000, 4_400_000, 4_600_000], messagesPerSecond: 4_500_000 };
    expect(pairedRatio(ours, ceiling).ratio).toBeCloseTo(1_850_000 / 4_600_000);
  });

  it("falls back to the ratio of medians when the rounds do not pair up", () => {
    const ours = { samples: [100, 200], messagesPerSecond: 150 };
    const other = { samples: [300], messagesPerSecond: 300 };
    expect(pairedRatio(ours, other)).toEqual({ ratio: 0.5, rounds: [] });
  });
});

describe("the ceiling's twin (control)", () => {
  const row = (server: string, role: string, samples: number[]) => ({
    framing: "length-prefix",
    size: 65536,
    conns: 1,
    server,
    name: server,
    role,
    status: "ok",
    samples,
    messagesPerSecond: [...samples].sort((a, b) => a - b)[samples.length >> 1],
  });
  const rows = [
    row("plain-tcp", "ceiling", [10_000, 16_000, 12_000]),
    row("ours", "ours", [9_000, 9_500, 9_800]),
    row("plain-tcp-twin", "control", [13_000, 12_000, 12_000]),
  ];
  const group = {
    framing: "length-prefix",
    targetServer: "ours",
    targets: [{ size: 65536, against: "plain-tcp", atLeast: 0.95, issue: 3 }],
  };

  it("reads twin ÷ ceiling round by round, with the lowest and highest round", () => {
    const [check] = ceilingChecks(rows);
    expect(check).toMatchObject({ framing: "length-prefix", size: 65536, conns: 1, ratio: 1 });
    expect(check.low).toBeCloseTo(0.75);
    expect(check.high).toBeCloseTo(1.3);
  });

  it("is never compared with ours as if it were a peer", () => {
    const against = compare(rows, [group]).map((c: { against: string }) => c.against);
    expect(against).toEqual(["plain-tcp"]);
  });

  it("travels with a target against the ceiling, not with others", () => {
    const plan = { groups: [group], sizes: [65536], conns: [1] };
    const [verdict] = verdicts(compare(rows, [group]), plan, ceilingChecks(rows));
    expect(verdict.ceilingCheck).toMatchObject({ ratio: 1 });
    const peerGroup = { ...group, targets: [{ size: 65536, against: "it-length-prefixed", atLeast: 1, issue: 3 }] };
    const [peerVerdict] = verdicts(compare(rows, [peerGroup]), { ...plan, groups: [peerGroup] }, ceilingChecks(rows));
    expect(peerVerdict.ceilingCheck).toBeUndefined();
  });
});
