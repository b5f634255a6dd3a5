// Comparing two servers: ratios are paired round by round, so drift that moves both alike cancels out.
import { describe, expect, it } from "vitest";
// @ts-expect-error: plain .mjs module without types
import { pairedRatio } from "../src/report.mjs";

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
