/**
 * Latency samples with a bounded reservoir, so a 30-second run at 100k msg/s does not hold every sample.
 */
export class LatencyReservoir {
  private readonly samples: number[] = [];
  private seen = 0;

  constructor(private readonly capacity = 200_000) {}

  add(milliseconds: number): void {
    this.seen++;
    if (this.samples.length < this.capacity) this.samples.push(milliseconds);
    else {
      const slot = Math.floor(Math.random() * this.seen);
      if (slot < this.capacity) this.samples[slot] = milliseconds;
    }
  }

  percentile(p: number): number {
    if (this.samples.length === 0) return Number.NaN;
    const sorted = [...this.samples].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  }
}
