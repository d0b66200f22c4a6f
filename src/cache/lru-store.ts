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

  /**
   * What Keyv's `getMany` reads when the store has it: one call for every key. Without it,
   * Keyv makes an async function and a settled promise for each key (~600 bytes a key,
   * ~30 keys on a home screen).
   */
  getMany(keys: readonly string[]): (object | undefined)[] {
    return keys.map((key) => this.lru.get(key));
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
