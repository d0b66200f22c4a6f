/**
 * The cache a careful team puts in a hand-written BFF: a Map with a time-to-live
 * per entry. Unbounded on purpose: the benchmark's key space is small (500
 * products, 50 users), so eviction would never run anyway.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();

  constructor(private readonly ttlMs: number) {}

  get(key: string, now: number): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V, now: number): void {
    this.entries.set(key, { value, expiresAt: now + this.ttlMs });
  }
}
