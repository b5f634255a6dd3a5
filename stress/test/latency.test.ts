// The stress run's latency reservoir: percentiles stay right when samples outnumber its capacity.
import { describe, expect, it } from "vitest";
import { LatencyReservoir } from "../src/latency.ts";

describe("LatencyReservoir", () => {
  it("reports exact percentiles while it holds every sample", () => {
    const reservoir = new LatencyReservoir(1000);
    for (let i = 1; i <= 100; i++) reservoir.add(i);
    expect(reservoir.percentile(50)).toBe(51);
    expect(reservoir.percentile(99)).toBe(100);
  });

  it("keeps a uniform sample past its capacity, so p50 of 1..100000 stays near 50000", () => {
    const reservoir = new LatencyReservoir(5000);
    for (let i = 1; i <= 100_000; i++) reservoir.add(i);
    expect(Math.abs(reservoir.percentile(50) - 50_000)).toBeLessThan(5000);
  });

  it("has no percentile before the first sample", () => {
    expect(Number.isNaN(new LatencyReservoir().percentile(50))).toBe(true);
  });
});
