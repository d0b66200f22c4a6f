import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPacedLoad } from '../../../../bench/load/paced-load.js';
import type { BenchRequest } from '../../../../bench/load/scenarios.js';

describe('runPacedLoad, every request once', () => {
  let server: Server;
  let origin: string;
  const seen: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.url!);
      // Viewer 3 is refused: it has no latency.
      res.writeHead(req.url === '/v/3' ? 503 : 200, { 'content-type': 'application/json' });
      res.end('{"data":{}}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('sends each request exactly once, in order, and returns the latencies by send index', async () => {
    const requests: BenchRequest[] = Array.from({ length: 30 }, (_, i) => ({ method: 'GET', path: `/v/${i}`, headers: {} }));
    // durationSec is ignored: the list decides how many requests there are.
    const result = await runPacedLoad({ origin, requests, connections: 1, durationSec: 60, rate: 500, once: true });
    expect(seen).toEqual(requests.map((r) => r.path));
    expect(result).toMatchObject({ ok: 29, non2xx: 1, errors: 0 });
    expect(result.bySend).toHaveLength(30);
    expect(result.bySend![3]).toBeNaN();
    expect([...result.bySend!].filter((v) => Number.isFinite(v) && v >= 0)).toHaveLength(29);
    // 30 requests at 500 req/s: about 60 ms, not the 60 s of durationSec.
    expect(result.durationSec).toBeLessThan(5);
  });

  it('without `once`, loops over the list for the duration and keeps no per-request latencies', async () => {
    seen.length = 0;
    const requests: BenchRequest[] = [{ method: 'GET', path: '/v/0', headers: {} }];
    const result = await runPacedLoad({ origin, requests, connections: 1, durationSec: 0.05, rate: 200 });
    expect(seen).toEqual(Array.from({ length: 10 }, () => '/v/0'));
    expect(result.bySend).toBeUndefined();
  });
});
