import { performance } from 'node:perf_hooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  InvalidFaultError,
  startReferenceBackend,
  type ReferenceBackend,
} from '../../backends/start-reference-backends.js';
import { requestJson, sendJsonBody } from './http-helpers.js';

let catalog: ReferenceBackend;
let product: string;

beforeAll(async () => {
  catalog = await startReferenceBackend('catalog');
  product = `${catalog.url}/products/p1`;
});

afterEach(() => {
  catalog.clearFault();
  catalog.resetStats();
});

afterAll(async () => {
  await catalog.close();
});

/** Status of each of `n` sequential requests (0 for a network error). */
async function statuses(n: number, url = product): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      out.push(res.status);
    } catch {
      out.push(0);
    }
  }
  return out;
}

describe('fault modes', () => {
  it('ok answers normally', async () => {
    catalog.setFault({ mode: 'ok' });
    expect(await statuses(3)).toEqual([200, 200, 200]);
  });

  it('slow waits delayMs, then answers normally', async () => {
    catalog.setFault({ mode: 'slow', delayMs: 150 });
    const started = performance.now();
    const res = await requestJson(product);
    const elapsed = performance.now() - started;
    expect(res.status).toBe(200);
    expect(res.body.id).toBe('p1');
    // 1 ms slack: libuv rounds timer start to whole milliseconds.
    expect(elapsed).toBeGreaterThanOrEqual(149);
    expect(elapsed).toBeLessThan(1500);
  });

  it('hang never answers; the client times out', async () => {
    catalog.setFault({ mode: 'hang' });
    const started = performance.now();
    const err = await fetch(product, { signal: AbortSignal.timeout(300) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DOMException);
    expect((err as DOMException).name).toBe('TimeoutError');
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(catalog.stats().requests).toBe(1);
  });

  it('close() returns promptly while a request hangs, and the hung request fails', async () => {
    const own = await startReferenceBackend('users');
    own.setFault({ mode: 'hang' });
    const hung = fetch(`${own.url}/users/u1`, { signal: AbortSignal.timeout(10_000) }).then(
      () => 'answered',
      (e: unknown) => (e instanceof Error ? e.name : 'error'),
    );
    await own.waitForRequests(1);
    const started = performance.now();
    await own.close();
    expect(performance.now() - started).toBeLessThan(500);
    expect(await hung).toBe('TypeError'); // "fetch failed": socket closed, not our 10 s timeout
    await own.close(); // idempotent
  });

  it('500 answers {error:"injected"}', async () => {
    catalog.setFault({ mode: '500' });
    const res = await requestJson(product);
    expect(res).toMatchObject({ status: 500, body: { error: 'injected' } });
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });

  it('503 sets Retry-After only when retryAfter is given', async () => {
    catalog.setFault({ mode: '503' });
    const plain = await requestJson(product);
    expect(plain.status).toBe(503);
    expect(plain.headers.get('retry-after')).toBeNull();
    catalog.setFault({ mode: '503', retryAfter: 7 });
    const hinted = await requestJson(product);
    expect(hinted.status).toBe(503);
    expect(hinted.headers.get('retry-after')).toBe('7');
  });

  it('429 sets Retry-After (default 1)', async () => {
    catalog.setFault({ mode: '429' });
    const dflt = await requestJson(product);
    expect(dflt.status).toBe(429);
    expect(dflt.headers.get('retry-after')).toBe('1');
    catalog.setFault({ mode: '429', retryAfter: 3 });
    expect((await requestJson(product)).headers.get('retry-after')).toBe('3');
  });

  it('garbage answers 200 application/json with a body that is not JSON', async () => {
    catalog.setFault({ mode: 'garbage' });
    const res = await fetch(product);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const text = await res.text();
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
  });

  it('reset destroys the socket: fetch fails with a network error', async () => {
    catalog.setFault({ mode: 'reset' });
    const err = await fetch(product).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TypeError);
    expect((err as TypeError).message).toBe('fetch failed');
    catalog.clearFault();
    expect((await requestJson(product)).status).toBe(200); // and the server is fine afterwards
  });

  it('flaky with rate 0.3 fails exactly 3 of every 10 requests, never two in a row', async () => {
    catalog.setFault({ mode: 'flaky', rate: 0.3 });
    const got = await statuses(20);
    expect(got.filter((s) => s === 503)).toHaveLength(6);
    expect(got.filter((s) => s === 200)).toHaveLength(14);
    expect(got.slice(0, 10).filter((s) => s === 503)).toHaveLength(3);
    for (let i = 1; i < got.length; i++) expect(got[i] === 503 && got[i - 1] === 503).toBe(false);
  });

  it('flaky defaults to rate 0.3', async () => {
    catalog.setFault({ mode: 'flaky' });
    expect((await statuses(10)).filter((s) => s === 503)).toHaveLength(3);
  });

  it('rate applies to other modes too', async () => {
    catalog.setFault({ mode: '500', rate: 0.5 });
    expect(await statuses(6)).toEqual([200, 500, 200, 500, 200, 500]);
    catalog.setFault({ mode: 'reset', rate: 0.25 });
    expect(await statuses(8)).toEqual([200, 200, 200, 0, 200, 200, 200, 0]);
    catalog.setFault({ mode: '429', rate: 0 });
    expect(await statuses(3)).toEqual([200, 200, 200]);
  });

  it('faults apply to every non-control route, including batch and unknown routes', async () => {
    catalog.setFault({ mode: '503' });
    expect(await statuses(1, `${catalog.url}/products?ids=p1`)).toEqual([503]);
    expect(await statuses(1, `${catalog.url}/nope`)).toEqual([503]);
  });
});

describe('control endpoints', () => {
  it('POST/GET/DELETE /__faults sets, reads and resets the fault', async () => {
    const set = await sendJsonBody(`${catalog.url}/__faults`, 'POST', { mode: '503', retryAfter: 2, rate: 0.5 });
    expect(set).toMatchObject({ status: 200, body: { mode: '503', retryAfter: 2, rate: 0.5 } });
    expect((await requestJson(`${catalog.url}/__faults`)).body).toEqual({ mode: '503', retryAfter: 2, rate: 0.5 });
    expect(catalog.getFault()).toEqual({ mode: '503', retryAfter: 2, rate: 0.5 });
    expect(await statuses(2)).toEqual([200, 503]);

    const reset = await requestJson(`${catalog.url}/__faults`, { method: 'DELETE' });
    expect(reset).toMatchObject({ status: 200, body: { mode: 'ok' } });
    expect((await requestJson(`${catalog.url}/__faults`)).body).toEqual({ mode: 'ok' });
    expect(await statuses(2)).toEqual([200, 200]);
  });

  it('invalid fault bodies are 400 with a message, and leave the fault unchanged', async () => {
    catalog.setFault({ mode: 'slow', delayMs: 5 });
    for (const body of [
      { mode: 'explode' },
      {},
      { mode: 'slow', delayMs: -1 },
      { mode: 'slow', delayMs: 'soon' },
      { mode: 'flaky', rate: 1.5 },
      { mode: '503', retryAfter: 1.5 },
      { mode: '500', colour: 'red' },
      [],
      'not json{',
    ]) {
      const res = await sendJsonBody(`${catalog.url}/__faults`, 'POST', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error).toEqual(expect.any(String));
    }
    expect(catalog.getFault()).toEqual({ mode: 'slow', delayMs: 5 });
    expect(() => catalog.setFault({ mode: 'nope' as never })).toThrow(InvalidFaultError);
  });

  it('control endpoints are unaffected by faults and not counted', async () => {
    for (const mode of ['hang', 'reset', '500', 'garbage'] as const) {
      catalog.setFault({ mode });
      const faults = await requestJson(`${catalog.url}/__faults`, { signal: AbortSignal.timeout(2000) });
      expect(faults).toMatchObject({ status: 200, body: { mode } });
      const stats = await requestJson(`${catalog.url}/__stats`, { signal: AbortSignal.timeout(2000) });
      expect(stats).toMatchObject({ status: 200, body: { requests: 0, byRoute: {} } });
    }
    // Slow and base latency do not delay control routes either.
    catalog.setFault({ mode: 'slow', delayMs: 5000 });
    const cleared = await requestJson(`${catalog.url}/__faults`, { method: 'DELETE', signal: AbortSignal.timeout(2000) });
    expect(cleared.body).toEqual({ mode: 'ok' });
  });

  it('stats count non-control requests per route, before faults apply', async () => {
    await statuses(2, `${catalog.url}/products/p1`);
    await statuses(1, `${catalog.url}/products?ids=p1,p2`);
    catalog.setFault({ mode: '500' });
    await statuses(1, `${catalog.url}/products/p3`);
    await statuses(1, `${catalog.url}/whatever`);
    catalog.clearFault();
    await requestJson(`${catalog.url}/__faults`);

    const expected = { requests: 5, byRoute: { 'GET /products/:id': 3, 'GET /products': 1, unmatched: 1 } };
    expect((await requestJson(`${catalog.url}/__stats`)).body).toEqual(expected);
    expect(catalog.stats()).toEqual(expected);

    const reset = await requestJson(`${catalog.url}/__stats/reset`, { method: 'POST' });
    expect(reset.body).toEqual({ requests: 0, byRoute: {} });
    expect(catalog.stats()).toEqual({ requests: 0, byRoute: {} });
    expect(catalog.requests).toEqual([]);
  });

  it('records the last requests with the propagated headers', async () => {
    await fetch(`${catalog.url}/products?ids=p1`, {
      headers: { 'X-Request-Id': 'req-1', 'X-User-Id': 'u1', Authorization: 'Bearer t', 'X-Request-Timeout-Ms': '250', 'X-Other': 'ignored' },
    }).then((r) => r.arrayBuffer());
    await fetch(`${catalog.url}/products/p2`).then((r) => r.arrayBuffer());
    expect(catalog.requests).toEqual([
      {
        method: 'GET',
        path: '/products',
        query: 'ids=p1',
        headers: {
          'x-request-id': 'req-1',
          'x-user-id': 'u1',
          'if-match': undefined,
          'idempotency-key': undefined,
          authorization: 'Bearer t',
          cookie: undefined,
          'x-request-timeout-ms': '250',
        },
      },
      expect.objectContaining({ method: 'GET', path: '/products/p2', query: '' }),
    ]);
  });
});
