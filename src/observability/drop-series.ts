import type { Counter, Histogram } from 'prom-client';

export type Metric<L extends string> = Counter<L> | Histogram<L>;

/**
 * Removes every series whose labels include `match` (an evicted operation name, or an
 * evicted client name/version pair); a histogram's buckets go with it. Asynchronous:
 * the series are read with the metric's `get()` first.
 */
export function dropSeries(metrics: readonly Metric<string>[], match: Readonly<Record<string, string>>): void {
  const entries = Object.entries(match);
  for (const metric of metrics) {
    void metric.get().then(({ values }) => {
      const seen = new Set<string>();
      for (const { labels } of values) {
        if (!entries.every(([name, value]) => labels[name] === value)) continue;
        const { le: _bucket, ...series } = labels as Record<string, string | number>;
        const key = JSON.stringify(series);
        if (seen.has(key)) continue;
        seen.add(key);
        metric.remove(series);
      }
    });
  }
}
