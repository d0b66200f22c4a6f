/** Small statistics helpers of the benchmark. */

/** The value at percentile `p` (0–100) of ascending `sorted`, nearest-rank; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/**
 * Median of the finite values (the mean of the middle two for an even count); NaN when
 * there are none (e.g. a round in which no request completed has no latency).
 */
export function median(values: readonly number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Median latency of the first and of the last `share` of the requests, in the order
 * they were sent (`bySend`; NaN for a request without an answer, skipped): whether a
 * server gets slower as it meets more clients. NaN when there are no requests.
 */
export function earlyLateMedians(bySend: ArrayLike<number>, share = 0.1): { early: number; late: number } {
  if (!(share > 0 && share <= 0.5)) throw new RangeError(`share must be in (0, 0.5], got ${share}`);
  const values = Array.from(bySend);
  if (values.length === 0) return { early: Number.NaN, late: Number.NaN };
  const size = Math.max(1, Math.ceil(values.length * share));
  return { early: median(values.slice(0, size)), late: median(values.slice(values.length - size)) };
}

/** Rounds for display and for the JSON file (no 15-digit noise). */
export function round(value: number, digits = 2): number {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
