/**
 * Every response time of a run, at full resolution: a histogram of whole milliseconds
 * (autocannon's, wrk's) cannot show a budget of a few milliseconds, so the generator
 * keeps each exact time and takes the percentiles from all of them.
 */
import { percentile } from '../report/stats.js';

export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export class LatencyRecorder {
  private values = new Float64Array(1 << 14);
  private size = 0;

  record(ms: number): void {
    if (this.size === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.size++] = ms;
  }

  summary(): LatencySummary {
    const sorted = this.values.slice(0, this.size).sort();
    let sum = 0;
    for (const value of sorted) sum += value;
    return {
      count: this.size,
      mean: this.size === 0 ? Number.NaN : sum / this.size,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      max: this.size === 0 ? Number.NaN : sorted[this.size - 1]!,
    };
  }
}
