import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SERVICE_NAMES,
  startReferenceBackend,
  startReferenceBackends,
  type ReferenceBackends,
} from '../../backends/start-reference-backends.js';
import { requestJson, sendJsonBody } from './http-helpers.js';

describe('startReferenceBackends', () => {
  let a: ReferenceBackends;
  let b: ReferenceBackends;

  beforeAll(async () => {
    [a, b] = await Promise.all([startReferenceBackends(), startReferenceBackends()]);
  });

  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  it('starts all four services on distinct ephemeral ports', () => {
    expect(SERVICE_NAMES).toEqual(['users', 'catalog', 'orders', 'recommendations']);
    const ports = new Set<number>();
    for (const name of SERVICE_NAMES) {
      expect(a[name].name).toBe(name);
      expect(a[name].url).toBe(`http://127.0.0.1:${a[name].port}`);
      expect(a.urls[name]).toBe(a[name].url);
      ports.add(a[name].port);
      ports.add(b[name].port);
    }
    expect(ports.size).toBe(8);
  });

  it('each call has its own order store', async () => {
    const res = await sendJsonBody(`${a.urls.orders}/orders/o00001`, 'PATCH', { status: 'CANCELLED' }, { 'If-Match': '1' });
    expect(res.status).toBe(200);
    expect((await requestJson(`${a.urls.orders}/orders/o00001`)).body.version).toBe(2);
    expect((await requestJson(`${b.urls.orders}/orders/o00001`)).body.version).toBe(1);
  });

  it('faults and stats are per backend', async () => {
    a.users.setFault({ mode: '500' });
    try {
      expect((await requestJson(`${a.urls.users}/users/u1`)).status).toBe(500);
      expect((await requestJson(`${a.urls.catalog}/products/p1`)).status).toBe(200);
      expect((await requestJson(`${b.urls.users}/users/u1`)).status).toBe(200);
      expect(a.users.stats().requests).toBe(1);
      expect(b.catalog.stats().requests).toBe(0);
    } finally {
      a.users.clearFault();
    }
  });

  it('keeps only the last 1000 requests, oldest first', async () => {
    const backend = b.recommendations;
    backend.resetStats();
    for (let start = 0; start < 1010; start += 101) {
      await Promise.all(
        Array.from({ length: 101 }, (_, i) =>
          fetch(`${backend.url}/recommendations?userId=u${start + i}`).then((r) => r.arrayBuffer()),
        ),
      );
    }
    expect(backend.stats().requests).toBe(1010);
    const recorded = backend.requests;
    expect(recorded).toHaveLength(1000);
    const users = recorded.map((r) => Number(new URLSearchParams(r.query).get('userId')!.slice(1)));
    // Concurrent batches may arrive in any order within a batch, but the first
    // 10 requests (batch 0) must be gone and the last batch must be there.
    expect(users.filter((n) => n < 101)).toHaveLength(91);
    expect(users.filter((n) => n >= 909)).toHaveLength(101);
    expect(new Set(users).size).toBe(1000);
    backend.resetStats();
    expect(backend.requests).toEqual([]);
  });
});

describe('startReferenceBackend options', () => {
  it('latencyMs delays contract routes but not control routes', async () => {
    const slow = await startReferenceBackend('users', { latencyMs: 120 });
    try {
      let started = performance.now();
      expect((await requestJson(`${slow.url}/users/u1`)).status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(119);
      started = performance.now();
      await requestJson(`${slow.url}/__stats`);
      expect(performance.now() - started).toBeLessThan(100);
    } finally {
      await slow.close();
    }
  });

  it('users: seeds u1…uN for the users and orders backends, each user with orders', async () => {
    const seeded = await startReferenceBackends({ users: 120, ordersPerUser: 10 });
    try {
      expect((await requestJson(`${seeded.urls.users}/users?ids=u120,u121`)).body.items.map((u: { id: string }) => u.id)).toEqual(['u120']);
      const page = await requestJson(`${seeded.urls.orders}/orders?userId=u120&limit=20`);
      expect(page.body.items).toHaveLength(10);
      expect(page.body.items.every((o: { userId: string }) => o.userId === 'u120')).toBe(true);
    } finally {
      await seeded.close();
    }
  });

  it('honours an explicit port and rejects when it is taken', async () => {
    const first = await startReferenceBackend('catalog');
    try {
      await expect(startReferenceBackend('catalog', { ports: { catalog: first.port } })).rejects.toThrow(/EADDRINUSE/);
      await expect(startReferenceBackends({ ports: { orders: first.port } })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.close();
    }
    const again = await startReferenceBackend('catalog', { ports: { catalog: first.port } });
    expect(again.port).toBe(first.port);
    await again.close();
  });
});

describe('backends/main.ts CLI', () => {
  it('starts on the env ports, prints the URL line and exits cleanly on SIGTERM', async () => {
    const env = { ...process.env, USERS_PORT: '0', CATALOG_PORT: '0', ORDERS_PORT: '0', RECOMMENDATIONS_PORT: '0', REVIEWS_PORT: '0' };
    const child = spawn(process.execPath, ['--import', 'tsx', 'backends/main.ts'], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      let urlLine = '';
      for await (const line of createInterface({ input: child.stdout! })) {
        if (line.startsWith('USERS_URL=')) {
          urlLine = line;
          break;
        }
      }
      const urls = Object.fromEntries(urlLine.split(' ').map((kv) => kv.split('=') as [string, string]));
      expect(Object.keys(urls)).toEqual(['USERS_URL', 'CATALOG_URL', 'ORDERS_URL', 'RECOMMENDATIONS_URL', 'REVIEWS_URL']);
      expect((await requestJson(`${urls.USERS_URL}/users/u1`)).body.id).toBe('u1');
      expect((await requestJson(`${urls.RECOMMENDATIONS_URL}/recommendations?userId=u1`)).status).toBe(200);
      expect((await requestJson(`${urls.REVIEWS_URL}/reviews?ids=r1-1`)).status).toBe(200);
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = await exited;
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
