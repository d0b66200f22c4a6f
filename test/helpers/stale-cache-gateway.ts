import { createMovableClock } from './movable-clock.js';
import { startTestGateway, type TestGateway } from './start-test-gateway.js';

/** Long: entries never go past fresh by themselves, however slow the machine; the test moves the clock. */
export const FRESH_MS = 60_000;

/** What a service caches in these tests: fresh for FRESH_MS, then usable-if-stale for 10 minutes. */
export const STALE_IF_ERROR_CACHE = { freshMs: FRESH_MS, staleMs: 600_000 } as const;

/**
 * A test gateway on a movable clock, without retries (a failure is one backend call), for
 * the stale-if-error tests: `pastFresh()` moves every entry cached so far past its fresh
 * TTL, without waiting. `services` gives the cache settings of each service named.
 */
export async function startStaleCacheGateway(
  executor: string,
  services: Record<string, { cache: { freshMs: number; staleMs: number } }>,
): Promise<{ t: TestGateway; pastFresh: () => void }> {
  const clock = createMovableClock();
  const t = await startTestGateway({ GATEWAY_EXECUTOR: executor, UPSTREAM_MAX_RETRIES: '0' }, { now: clock.now, gatewayConfig: { services } });
  return { t, pastFresh: () => clock.advance(FRESH_MS + 1) };
}
