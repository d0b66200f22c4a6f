const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export interface OperationNameBoundOptions {
  /** Distinct names with a label of their own at once. @default 200 */
  limit?: number;
  /** A name unused this long gives its slot up (and its series) to a new name. @default 3_600_000 (1 h) */
  idleMs?: number;
  /** Told the name that gave its slot up, so its series can be dropped. */
  onEvict?: (name: string) => void;
  /** @default Date.now */
  now?: () => number;
}

/**
 * Operation names become a metric label, and clients choose them: past `limit`
 * distinct names (or for names no real app would send) the label is "other", so a
 * client inventing names cannot explode the metrics. Anonymous operations share
 * "Anonymous". A slot is held only while its name is in use: the least recently used
 * name, once idle for `idleMs`, makes room for a new one, so the first 200 names
 * ever seen (perhaps a scanner's) cannot keep an app's real operations in "other"
 * forever. O(1) per call: a Map in recency order (delete + set moves a name last).
 */
export function createOperationNameBound(options: OperationNameBoundOptions = {}): (name: string | undefined | null) => string {
  const { limit = 200, idleMs = 3_600_000, onEvict, now = Date.now } = options;
  const lastUsed = new Map<string, number>();
  return (name) => {
    if (name === undefined || name === null || name === '') return 'Anonymous';
    const at = now();
    if (lastUsed.has(name)) {
      lastUsed.delete(name);
      lastUsed.set(name, at);
      return name;
    }
    if (!NAME.test(name)) return 'other';
    if (lastUsed.size >= limit) {
      const [oldest, oldestAt] = lastUsed.entries().next().value as [string, number];
      if (at - oldestAt < idleMs) return 'other';
      lastUsed.delete(oldest);
      onEvict?.(oldest);
    }
    lastUsed.set(name, at);
    return name;
  };
}
