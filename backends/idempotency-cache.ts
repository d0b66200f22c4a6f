/**
 * Remembers the first successful response per Idempotency-Key so a retried
 * PATCH replays it instead of bumping the version twice. Bounded (FIFO
 * eviction via Map insertion order) so a long benchmark cannot grow it
 * without limit.
 */

export interface StoredResponse {
  /** Identifies the request the key was first used for (order id + body). */
  readonly fingerprint: string;
  readonly status: number;
  /** Serialised JSON body, replayed byte for byte. */
  readonly body: string;
}

export type IdempotencyLookup =
  | { kind: 'miss' }
  | { kind: 'replay'; response: StoredResponse }
  /** Same key, different request → the caller answers 422. */
  | { kind: 'conflict' };

export class IdempotencyCache {
  private readonly entries = new Map<string, StoredResponse>();

  constructor(private readonly maxEntries = 10_000) {}

  lookup(key: string, fingerprint: string): IdempotencyLookup {
    const stored = this.entries.get(key);
    if (!stored) return { kind: 'miss' };
    return stored.fingerprint === fingerprint ? { kind: 'replay', response: stored } : { kind: 'conflict' };
  }

  remember(key: string, response: StoredResponse): void {
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, response);
  }
}
