import type { ClientIdentity } from '../edge/client-identity.js';

/** The two metric labels that say which app sent a request. */
export interface ClientLabelValues {
  client_name: string;
  client_version: string;
}

export interface ClientLabelsOptions {
  /** Distinct name/version pairs with labels of their own at once (CLIENT_LABELS_MAX). @default 50 */
  limit?: number;
  /** A pair unused this long gives its slot up (and its series) to a new pair. @default 3_600_000 (1 h) */
  idleMs?: number;
  /** @default Date.now */
  now?: () => number;
}

/** Bounded client labels, shared by every metric that carries them. */
export interface ClientLabels {
  /**
   * The labels of a client: its own pair while a slot is free, else `other`/`other`.
   * Once per request (its scope keeps them): each call counts as a use of the pair.
   */
  of(client: ClientIdentity): ClientLabelValues;
  /** Tells `listener` about every pair that gave its slot up, so its series can be dropped. */
  onEvict(listener: (labels: ClientLabelValues) => void): void;
}

const UNKNOWN: ClientLabelValues = { client_name: 'unknown', client_version: 'unknown' };
const OTHER: ClientLabelValues = { client_name: 'other', client_version: 'other' };

/**
 * Clients choose their headers, so the pairs a metric sees are bounded like operation
 * names (bounded-operation-name.ts): past `limit` distinct pairs the labels are
 * `other`; a pair idle for `idleMs` makes room, so pairs a scanner invented once
 * cannot keep real app versions in `other` forever. Requests without the headers are
 * `unknown`/`unknown`, which needs no slot. O(1) per request.
 */
export function createClientLabels(options: ClientLabelsOptions = {}): ClientLabels {
  const { limit = 50, idleMs = 3_600_000, now = Date.now } = options;
  const lastUsed = new Map<string, { labels: ClientLabelValues; at: number }>();
  const listeners: ((labels: ClientLabelValues) => void)[] = [];

  const bound = (name: string, version: string): ClientLabelValues => {
    if (name === 'unknown' && version === 'unknown') return UNKNOWN;
    // A NUL cannot occur in a sanitized value: the key is unambiguous.
    const key = `${name}\u0000${version}`;
    const at = now();
    const slot = lastUsed.get(key);
    if (slot !== undefined) {
      // delete + set moves the pair to the end: the Map stays in recency order.
      lastUsed.delete(key);
      slot.at = at;
      lastUsed.set(key, slot);
      return slot.labels;
    }
    if (lastUsed.size >= limit) {
      const [oldestKey, oldest] = lastUsed.entries().next().value as [string, { labels: ClientLabelValues; at: number }];
      if (at - oldest.at < idleMs) return OTHER;
      lastUsed.delete(oldestKey);
      for (const listener of listeners) listener(oldest.labels);
    }
    const labels = { client_name: name, client_version: version };
    lastUsed.set(key, { labels, at });
    return labels;
  };

  return {
    of(client) {
      return bound(client.name, client.version);
    },
    onEvict(listener) {
      listeners.push(listener);
    },
  };
}
