import Keyv from 'keyv';
import { describe, expect, it, vi } from 'vitest';
import { LruStore } from '../../../src/cache/lru-store.js';

describe('LruStore under Keyv', () => {
  it('getMany answers every key in order through one store call, as Keyv stored them', async () => {
    const store = new LruStore(10);
    const keyv = new Keyv({ store, useKeyPrefix: false, serialize: undefined, deserialize: undefined });
    await keyv.setMany([
      { key: 'a', value: { n: 1 } },
      { key: 'c', value: { n: 3 } },
    ]);
    const getMany = vi.spyOn(store, 'getMany');
    const get = vi.spyOn(store, 'get');
    expect(await keyv.getMany(['a', 'b', 'c'])).toEqual([{ n: 1 }, undefined, { n: 3 }]);
    expect(getMany).toHaveBeenCalledTimes(1);
    expect(get).not.toHaveBeenCalled();
  });

  it('an entry past its ttl is gone from getMany', async () => {
    vi.useFakeTimers();
    try {
      const store = new LruStore(10);
      const keyv = new Keyv({ store, useKeyPrefix: false, serialize: undefined, deserialize: undefined });
      await keyv.set('a', { n: 1 }, 50);
      await keyv.set('b', { n: 2 });
      vi.advanceTimersByTime(60);
      expect(await keyv.getMany(['a', 'b'])).toEqual([undefined, { n: 2 }]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps at most maxEntries: the least recently used goes', async () => {
    const store = new LruStore(2);
    store.set('a', { n: 1 });
    store.set('b', { n: 2 });
    store.get('a');
    store.set('c', { n: 3 });
    expect(store.getMany(['a', 'b', 'c'])).toEqual([{ n: 1 }, undefined, { n: 3 }]);
  });
});
