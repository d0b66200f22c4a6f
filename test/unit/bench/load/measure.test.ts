import { describe, expect, it } from 'vitest';
import { clientGrowth } from '../../../../bench/load/measure.js';

describe('clientGrowth', () => {
  it('RSS and heap before and after, and the early and late medians in send order', () => {
    const bySend = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(clientGrowth(bySend, { rssMb: 120, heapMb: 50 }, { rssMb: 112, heapMb: 58 })).toEqual({
      clients: 20,
      rssStartMb: 120,
      rssEndMb: 112,
      rssGrowthMb: -8,
      heapStartMb: 50,
      heapEndMb: 58,
      earlyP50: 1.5,
      lateP50: 19.5,
    });
  });

  it('counts every request sent as a client, answered or not; the medians skip the unanswered', () => {
    const bySend = Float64Array.from([Number.NaN, 4, ...Array.from({ length: 16 }, () => 50), 8, Number.NaN]);
    expect(clientGrowth(bySend, { rssMb: 100, heapMb: 40 }, { rssMb: 100, heapMb: 40 })).toMatchObject({ clients: 20, earlyP50: 4, lateP50: 8 });
  });
});
