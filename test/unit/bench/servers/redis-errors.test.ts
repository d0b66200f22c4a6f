import { describe, expect, it } from 'vitest';
import { redisErrorsIn } from '../../../../bench/servers/servers.js';

describe('redisErrorsIn', () => {
  it("reads the gateway's Redis error counter from its /metrics, whatever the metric prefix", () => {
    const metrics = [
      '# HELP gateway_cache_redis_errors_total Redis errors and timeouts',
      '# TYPE gateway_cache_redis_errors_total counter',
      'gateway_cache_redis_errors_total 12',
      'gateway_cache_requests_total{tier="l2",result="hit"} 40',
    ].join('\n');
    expect(redisErrorsIn(metrics)).toBe(12);
    expect(redisErrorsIn('mgw_cache_redis_errors_total 3\n')).toBe(3);
  });

  it('is 0 when the counter is absent (no Redis error recorded)', () => {
    expect(redisErrorsIn('gateway_cache_requests_total{tier="l1",result="hit"} 5\n')).toBe(0);
  });
});
