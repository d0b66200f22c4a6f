import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runLoad, startLoad } from '../../../../bench/load/generator.js';
import type { BenchRequest } from '../../../../bench/load/scenarios.js';
import { closedPort } from '../../../helpers/closed-port.js';

/** GET /v/<n> for n = 0…count-1. */
const viewers = (count: number): BenchRequest[] => Array.from({ length: count }, (_, i) => ({ method: 'GET', path: `/v/${i}`, headers: {} }));

describe('the load generator', () => {
  let server: Server;
  let origin: string;
  const seen: string[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  /** Answers for a path other than the plain 200: status, body, delay. */
  const special = new Map<string, { status?: number; body?: string; delayMs?: number }>();
  /** Called as each request arrives; the answer waits for what it returns. */
  let onArrival: (() => Promise<void> | undefined) | undefined;

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.url!);
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      const answer = special.get(req.url!) ?? {};
      void Promise.resolve(onArrival?.()).then(() =>
        setTimeout(() => {
          inFlight -= 1;
          res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
          res.end(answer.body ?? '{"data":{}}');
        }, answer.delayMs ?? 0),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  beforeEach(() => {
    seen.length = 0;
    mostInFlight = 0;
    special.clear();
    onArrival = undefined;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  describe('fixed rate, every request once', () => {
    it('sends each request exactly once, in order, and returns the latencies by send index', async () => {
      const requests = viewers(30);
      // Viewer 3 is refused: it has no latency.
      special.set('/v/3', { status: 503 });
      // durationSec is ignored: the list decides how many requests there are.
      const result = await runLoad({ origin, requests, connections: 1, durationSec: 60, rate: 500, once: true });
      expect(seen).toEqual(requests.map((r) => r.path));
      expect(result).toMatchObject({ ok: 29, non2xx: 1, responses: 30, errors: 0 });
      expect(result.bySend).toHaveLength(30);
      expect(result.bySend![3]).toBeNaN();
      expect([...result.bySend!].filter((v) => Number.isFinite(v) && v >= 0)).toHaveLength(29);
      // 30 requests at 500 req/s: about 60 ms, not the 60 s of durationSec.
      expect(result.durationSec).toBeLessThan(5);
    });

    it('refuses `once` without a rate', () => {
      expect(() => startLoad({ origin, requests: viewers(2), connections: 1, durationSec: 1, once: true })).toThrow(/needs a rate/);
    });
  });

  describe('fixed rate', () => {
    it('loops over the list for the duration and keeps no per-request latencies', async () => {
      const result = await runLoad({ origin, requests: viewers(1), connections: 1, durationSec: 0.05, rate: 200 });
      expect(seen).toEqual(Array.from({ length: 10 }, () => '/v/0'));
      expect(result.bySend).toBeUndefined();
    });

    it('times a request from when it was due: waiting for a free connection counts', async () => {
      // One connection, each answer 20 ms, due every 5 ms: request k is answered 20·(k+1) ms
      // after the start, 15·k + 20 ms after it was due (a sender timing from the send: 20 ms each).
      special.set('/v/0', { delayMs: 20 });
      const result = await runLoad({ origin, requests: viewers(1), connections: 1, durationSec: 0.025, rate: 200 });
      expect(result.ok).toBe(5);
      expect(result.latencyMs.max).toBeGreaterThanOrEqual(75);
      expect(result.latencyMs.p50).toBeGreaterThanOrEqual(45);
    });
  });

  describe('closed loop', () => {
    it('keeps `connections` requests in flight, each connection walking the list from its own place', async () => {
      const requests = viewers(8);
      const load = startLoad({ origin, requests, connections: 4, durationSec: 60 });
      // Every answer waits until four requests are in; then the load stops: only the first
      // request of each connection was sent, and they started at 0, 2, 4 and 6.
      let allIn: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        allIn = resolve;
      });
      onArrival = () => {
        if (seen.length === 4) {
          load.stop();
          allIn();
        }
        return gate;
      };
      const result = await load.done;
      expect([...seen].sort()).toEqual(['/v/0', '/v/2', '/v/4', '/v/6']);
      expect(mostInFlight).toBe(4);
      expect(result).toMatchObject({ ok: 4, responses: 4, errors: 0 });
      expect(result.durationSec).toBeLessThan(5);
    });

    it('runs for the duration, and counts answers by status and answers carrying GraphQL errors', async () => {
      special.set('/v/1', { status: 500 });
      special.set('/v/2', { body: '{"data":{"a":null},"errors":[{"message":"limited","extensions":{"code":"RATE_LIMITED"}}]}' });
      const result = await runLoad({ origin, requests: viewers(4), connections: 1, durationSec: 0.2 });
      const counts = (path: string) => seen.filter((p) => p === path).length;
      // One connection walks the list in order, over and over.
      expect(seen.slice(0, 6)).toEqual(['/v/0', '/v/1', '/v/2', '/v/3', '/v/0', '/v/1']);
      expect(result.non2xx).toBe(counts('/v/1'));
      expect(result.ok).toBe(seen.length - counts('/v/1'));
      expect(result.errorAnswers).toBe(counts('/v/2'));
      expect(result.firstErrorAnswer).toContain('RATE_LIMITED');
      expect(result.latencyMs.count).toBe(result.ok);
      expect(result.reqPerSec).toBeCloseTo(result.ok / result.durationSec, 6);
      expect(result.durationSec).toBeGreaterThanOrEqual(0.2);
    });

    it('counts a request over its timeout as an error and a timeout', async () => {
      special.set('/v/0', { delayMs: 1500 });
      const result = await runLoad({ origin, requests: viewers(1), connections: 1, durationSec: 0.01, timeoutSec: 0.2 });
      expect(result).toMatchObject({ ok: 0, errors: 1, timeouts: 1 });
      expect(result.latencyMs.count).toBe(0);
    });

    it('counts a refused connection as an error, not a timeout', async () => {
      const result = await runLoad({ origin: `http://127.0.0.1:${await closedPort()}`, requests: viewers(1), connections: 1, durationSec: 0.05 });
      expect(result.ok).toBe(0);
      expect(result.errors).toBeGreaterThan(0);
      expect(result.timeouts).toBe(0);
    });
  });
});
