import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createServicePolicy, type ServicePolicy } from '../../../src/upstream/create-service-policy.js';
import type { BreakerSettings, ServiceSettings } from '../../../src/upstream/service-settings.js';
import { UpstreamError } from '../../../src/upstream/upstream-error.js';
import { track } from '../../helpers/track-promise.js';

const SERVICE = 'recommendations';
const HALF_OPEN_AFTER_MS = 200;

function policyWith(breaker: BreakerSettings, timeoutMs = 2500): ServicePolicy {
  const settings: ServiceSettings = {
    url: 'http://recommendations.test',
    timeoutMs,
    maxBatchSize: 50,
    connections: 4,
    retry: { maxRetries: 0, initialDelayMs: 10, maxDelayMs: 40 },
    breaker,
    halfOpenAfterMs: HALF_OPEN_AFTER_MS,
    bulkhead: { maxConcurrent: 16, maxQueue: 16 },
    cache: { freshMs: 0, staleMs: 0 },
  };
  return createServicePolicy(SERVICE, settings, { logger: pino({ level: 'silent' }) });
}

const flush = () => vi.advanceTimersByTimeAsync(0);
const down = () => new UpstreamError({ kind: 'status', service: SERVICE, status: 503, message: `${SERVICE} answered 503` });

async function open(policy: ServicePolicy, failures: number): Promise<void> {
  for (let i = 0; i < failures; i++) {
    track(policy.execute(async () => Promise.reject(down()), { idempotent: true }));
    await flush();
  }
  expect(policy.breakerState()).toBe('open');
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(Date.UTC(2024, 0, 1));
});

afterEach(() => {
  vi.useRealTimers();
});

describe('createServicePolicy: half-open trials', () => {
  it('halfOpenCalls 2: two calls reach the backend at once, the third is refused at once; half_open until successThreshold', async () => {
    const policy = policyWith({ kind: 'consecutive', threshold: 2, halfOpenCalls: 2, successThreshold: 2 });
    const rejections: string[] = [];
    policy.onRejected((kind) => rejections.push(kind));
    await open(policy, 2);
    await vi.advanceTimersByTimeAsync(HALF_OPEN_AFTER_MS);

    const settle: ((value: string) => void)[] = [];
    let reached = 0;
    const attempt = () =>
      new Promise<string>((resolve) => {
        reached += 1;
        settle.push(resolve);
      });
    const trials = [track(policy.execute(attempt, { idempotent: true })), track(policy.execute(attempt, { idempotent: false }))];
    const third = track(policy.execute(attempt, { idempotent: true }));
    await flush();
    expect(reached).toBe(2);
    expect(policy.breakerState()).toBe('half_open');
    expect(third.status).toBe('rejected');
    expect(third.error).toMatchObject({ kind: 'circuit_open', service: SERVICE, retryAfter: 3 });
    expect((third.error as Error).message).toContain('half-open');
    expect(rejections).toEqual(['circuit_open']);

    settle[0]!('one');
    await flush();
    expect(policy.breakerState()).toBe('half_open');
    settle[1]!('two');
    await flush();
    expect(trials.map((trial) => trial.value)).toEqual(['one', 'two']);
    expect(policy.breakerState()).toBe('closed');
  });
});

describe('createServicePolicy: slow calls', () => {
  const slowAnswer = (ms: number) => () => new Promise<string>((resolve) => setTimeout(() => resolve(`after ${ms} ms`), ms));

  it('opens on slow successes when slowCallMs and slowCallRate are set; each slow call still returns its data', async () => {
    const policy = policyWith({ kind: 'count', failureRate: 0.5, windowSize: 2, minimumCalls: 2, slowCallMs: 50, slowCallRate: 0.5 });
    for (let i = 0; i < 2; i++) {
      const call = track(policy.execute(slowAnswer(80), { idempotent: true }));
      await vi.advanceTimersByTimeAsync(80);
      expect(call).toEqual({ status: 'fulfilled', value: 'after 80 ms' });
    }
    expect(policy.breakerState()).toBe('open');
    expect(policy.secondsUntilHalfOpen()).toBe(1);
    const refused = track(policy.execute(slowAnswer(1), { idempotent: true }));
    await flush();
    expect(refused.error).toMatchObject({ kind: 'circuit_open' });
  });

  it('does not count slow calls without them', async () => {
    const policy = policyWith({ kind: 'count', failureRate: 0.5, windowSize: 2, minimumCalls: 2 });
    for (let i = 0; i < 4; i++) {
      track(policy.execute(slowAnswer(2000), { idempotent: true }));
      await vi.advanceTimersByTimeAsync(2000);
    }
    expect(policy.breakerState()).toBe('closed');
  });
});
