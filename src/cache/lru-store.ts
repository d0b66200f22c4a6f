import { LRUCache } from 'lru-cache';

/**
 * A Keyv store over an LRU bounded by entry count. Keyv calls `set(key, value, ttl)`
 * with a number, which lru-cache would read as an options object, so this adapter
 * translates; values are kept as objects, never serialized.
 */
export class LruStore {
  private readonly lru: LRUCache<string, object>;

  constructor(maxEntries: number) {
    this.lru = new LRUCache({ max: maxEntries });
  }

  get(key: string): object | undefined {
    return this.lru.get(key);
  }

  set(key: string, value: object, ttl?: number): boolean {
    this.lru.set(key, value, ttl === undefined ? undefined : { ttl });
    return true;
  }

  delete(key: string): boolean {
    return this.lru.delete(key);
  }

  clear(): void {
    this.lru.clear();
  }

  has(key: string): boolean {
    return this.lru.has(key);
  }
}
