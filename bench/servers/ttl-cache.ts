/**
 * The cache a careful team puts in a hand-written BFF: a Map with a time-to-live
 * per entry, dropped when read after it expired. Unbounded, as such caches usually
 * are: with the benchmark's 22,000 viewers it holds every user and recommendation
 * list it fetched (the many-clients scenario shows what that costs in RSS).
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
