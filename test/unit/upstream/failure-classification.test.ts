import { describe, expect, it } from 'vitest';
import { isBreakerFailure, isRetryableFailure } from '../../../src/upstream/failure-classification.js';
import { UpstreamError, type UpstreamErrorKind } from '../../../src/upstream/upstream-error.js';

function failure(kind: UpstreamErrorKind, extra: { status?: number; cancelled?: boolean; retryAfter?: number } = {}): UpstreamError {
  return new UpstreamError({ kind, service: 'catalog', message: `catalog ${kind}`, ...extra });
}

interface Row {
  name: string;
  error: unknown;
  retryable: boolean;
  breaker: boolean;
}

const rows: Row[] = [
  // Transport failures: the backend may answer next time, and says nothing good about its health.
  { name: 'network', error: failure('network'), retryable: true, breaker: true },
  { name: 'timeout', error: failure('timeout'), retryable: true, breaker: true },
  // Statuses.
  { name: 'status 429', error: failure('status', { status: 429 }), retryable: true, breaker: false },
  { name: 'status 429 with Retry-After', error: failure('status', { status: 429, retryAfter: 3 }), retryable: true, breaker: false },
  { name: 'status 500', error: failure('status', { status: 500 }), retryable: false, breaker: true },
  { name: 'status 501', error: failure('status', { status: 501 }), retryable: false, breaker: true },
  { name: 'status 502', error: failure('status', { status: 502 }), retryable: true, breaker: true },
  { name: 'status 503', error: failure('status', { status: 503 }), retryable: true, breaker: true },
  { name: 'status 504', error: failure('status', { status: 504 }), retryable: true, breaker: true },
  { name: 'status 599', error: failure('status', { status: 599 }), retryable: false, breaker: true },
  { name: 'status 400', error: failure('status', { status: 400 }), retryable: false, breaker: false },
  { name: 'status 401', error: failure('status', { status: 401 }), retryable: false, breaker: false },
  { name: 'status 404', error: failure('status', { status: 404 }), retryable: false, breaker: false },
  { name: 'status 409', error: failure('status', { status: 409 }), retryable: false, breaker: false },
  { name: 'status 499', error: failure('status', { status: 499 }), retryable: false, breaker: false },
  { name: 'status without a status code', error: failure('status'), retryable: false, breaker: false },
  // A lying backend lies twice, but is unhealthy.
  { name: 'bad_body', error: failure('bad_body'), retryable: false, breaker: true },
  { name: 'bad_body with status 200', error: failure('bad_body', { status: 200 }), retryable: false, breaker: true },
  // Our own refusals are neither.
  { name: 'circuit_open', error: failure('circuit_open', { retryAfter: 5 }), retryable: false, breaker: false },
  { name: 'bulkhead_full', error: failure('bulkhead_full', { retryAfter: 1 }), retryable: false, breaker: false },
  // The caller gave up: not the backend's fault.
  { name: 'cancelled timeout', error: failure('timeout', { cancelled: true }), retryable: false, breaker: false },
  { name: 'cancelled network', error: failure('network', { cancelled: true }), retryable: false, breaker: false },
  { name: 'cancelled 503', error: failure('status', { status: 503, cancelled: true }), retryable: false, breaker: false },
  { name: 'cancelled bad_body', error: failure('bad_body', { cancelled: true }), retryable: false, breaker: false },
  // Not an UpstreamError at all.
  { name: 'plain Error', error: new Error('boom'), retryable: false, breaker: false },
  { name: 'TypeError', error: new TypeError('x is not a function'), retryable: false, breaker: false },
  { name: 'null', error: null, retryable: false, breaker: false },
  { name: 'undefined', error: undefined, retryable: false, breaker: false },
  { name: 'string', error: 'network', retryable: false, breaker: false },
  { name: 'object with kind but no flag', error: { kind: 'network', service: 'catalog' }, retryable: false, breaker: false },
  { name: 'object with a non-true flag', error: { isUpstreamError: 'yes', kind: 'network' }, retryable: false, breaker: false },
  // The flag (not instanceof) identifies an UpstreamError from another copy of the module.
  {
    name: 'flagged look-alike network error',
    error: { isUpstreamError: true, kind: 'network', service: 'catalog', cancelled: false },
    retryable: true,
    breaker: true,
  },
  {
    name: 'flagged look-alike 503',
    error: { isUpstreamError: true, kind: 'status', status: 503, service: 'catalog', cancelled: false },
    retryable: true,
    breaker: true,
  },
];

describe('isRetryableFailure', () => {
  it.each(rows)('$name → $retryable', ({ error, retryable }) => {
    expect(isRetryableFailure(error)).toBe(retryable);
  });
});

describe('isBreakerFailure', () => {
  it.each(rows)('$name → $breaker', ({ error, breaker }) => {
    expect(isBreakerFailure(error)).toBe(breaker);
  });
});

describe('classification invariants', () => {
  it('every 5xx counts for the breaker and no 4xx does', () => {
    for (let status = 400; status < 600; status++) {
      expect(isBreakerFailure(failure('status', { status }))).toBe(status >= 500);
    }
  });

  it('exactly 429, 502, 503 and 504 are retryable statuses', () => {
    const retryable: number[] = [];
    for (let status = 100; status < 600; status++) {
      if (isRetryableFailure(failure('status', { status }))) retryable.push(status);
    }
    expect(retryable).toEqual([429, 502, 503, 504]);
  });

  it('a cancelled failure is never retryable nor a breaker failure, whatever its kind', () => {
    const kinds: UpstreamErrorKind[] = ['network', 'timeout', 'status', 'bad_body', 'circuit_open', 'bulkhead_full'];
    for (const kind of kinds) {
      const error = failure(kind, { status: 503, cancelled: true });
      expect(isRetryableFailure(error)).toBe(false);
      expect(isBreakerFailure(error)).toBe(false);
    }
  });
});
