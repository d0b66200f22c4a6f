import { createHash, randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceBackends, type ReferenceBackends } from '../../backends/start-reference-backends.js';
import { signDevToken } from '../../src/edge/sign-dev-token.js';
import { connectRedis, deleteKeys, REDIS_URL, uniqueKeyPrefix } from '../helpers/shared-redis.js';
import { spawnGatewayProcess, type GatewayProcess } from '../helpers/spawn-gateway-process.js';
import { writeTempFile } from '../helpers/write-temp-file.js';
import { serviceUrlEnv } from '../../app/gateway-app.js';

const SECRET = 'multi-instance-secret-0123456789';

interface Answer {
  /** lost: the connection broke before any answer (the request may or may not have reached the app). */
  outcome: 'answered' | 'refused' | 'lost';
  requestId?: string;
  status?: number;
  body?: string;
  error?: string;
}

/**
 * One POST on a fresh connection (no keep-alive), so every request is either
 * accepted by a process or refused at connect time: nothing is hidden by a reused socket.
 */
function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const requestId = randomUUID();
  return new Promise<Answer>((resolve) => {
    const payload = JSON.stringify(body);
    const req = request(
      `${url}/graphql`,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), 'x-request-id': requestId, ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ outcome: 'answered', status: res.statusCode ?? 0, body: text }));
        res.on('error', (error) => resolve({ outcome: 'lost', error: error.message }));
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ outcome: error.code === 'ECONNREFUSED' ? 'refused' : 'lost', error: `${error.code ?? ''} ${error.message}` }),
    );
    req.end(payload);
  }).then((answer) => ({ ...answer, requestId }));
}

describe('several gateway processes on one Redis', () => {
  const keyPrefix = uniqueKeyPrefix();
  let backends: ReferenceBackends;
  let a: GatewayProcess;
  let b: GatewayProcess;
  let token: string;
  beforeAll(async () => {
    backends = await startReferenceBackends();
    const env = {
      ...serviceUrlEnv(backends.urls),
      REDIS_URL,
      JWT_SECRET: SECRET,
      SYNC_TOKEN_SECRET: SECRET,
      CLIENT_RATE_LIMIT: '6/60',
      SHUTDOWN_DRAIN_MS: '5000',
      GATEWAY_CONFIG: writeTempFile('gateway.json', { cache: { keyPrefix } }),
    };
    [a, b] = await Promise.all([spawnGatewayProcess(env), spawnGatewayProcess(env)]);
    token = await signDevToken('u21', SECRET);
  }, 30_000);
  afterAll(async () => {
    for (const process of [a, b]) process?.kill('SIGKILL');
    await backends?.close();
    const redis = await connectRedis();
    await deleteKeys(redis, keyPrefix);
    await redis.close();
  });

  it("serves from one instance the L2 cache entry another instance wrote", async () => {
    backends.catalog.resetStats();
    const first = await post(a.url, { query: '{ product(id: "p77") { id name } }' });
    expect(first.status).toBe(200);
    expect(backends.catalog.stats().requests).toBe(1);
    // The L2 write is in the background: the second instance may need a moment.
    let second: Answer = { outcome: 'lost' };
    for (let i = 0; i < 20; i += 1) {
      backends.catalog.resetStats();
      second = await post(b.url, { query: '{ product(id: "p77") { id name } }' });
      if (backends.catalog.stats().requests === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(second.body).toBe(first.body);
    expect(backends.catalog.stats().requests).toBe(0);
  });

  it('finds on one instance a persisted query registered on another', async () => {
    const query = '{ product(id: "p78") { id priceCents } }';
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const extensions = { persistedQuery: { version: 1, sha256Hash } };
    const registered = await post(a.url, { query, extensions });
    expect(JSON.parse(registered.body!)).toEqual({ data: { product: { id: 'p78', priceCents: expect.any(Number) } } });
    let found: Answer = { outcome: 'lost' };
    for (let i = 0; i < 20; i += 1) {
      found = await post(b.url, { extensions });
      if (!found.body!.includes('PERSISTED_QUERY_NOT_FOUND')) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(found.body).toBe(registered.body);
  });

  it('enforces the client rate limit across instances (the sum, not per instance)', async () => {
    const viewer = { authorization: `Bearer ${token}` };
    const statuses: number[] = [];
    for (const target of [a, b, a, b, a, b, a]) statuses.push((await post(target.url, { query: '{ viewer { id } }' }, viewer)).status!);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429]);
  });

  it('an instance stopped with SIGTERM under steady load loses no request it accepted; the other keeps serving', async () => {
    // Slow enough answers that requests are in flight when the signal lands.
    backends.users.setFault({ mode: 'slow', delayMs: 150 });
    const results: Answer[] = [];
    const fromB: Answer[] = [];
    let stop = false;
    const worker = async (index: number) => {
      let n = 0;
      while (!stop && n < 200) {
        n += 1;
        // A new viewer each time: the client rate limit (6/60 here) stays out of the way.
        const userToken = await signDevToken(`load-${index}-${n}`, SECRET);
        results.push(await post(a.url, { query: '{ viewer { id } product(id: "p1") { id } }' }, { authorization: `Bearer ${userToken}` }));
      }
    };
    const workers = Array.from({ length: 8 }, (_, i) => worker(i));
    await new Promise((resolve) => setTimeout(resolve, 400));
    a.kill('SIGTERM');
    const exitCode = a.exited;
    for (let i = 0; i < 5; i += 1) {
      const viewer = { authorization: `Bearer ${await signDevToken(`other-${i}`, SECRET)}` };
      fromB.push(await post(b.url, { query: '{ product(id: "p2") { id } }' }, viewer));
    }
    await new Promise((resolve) => setTimeout(resolve, 400));
    stop = true;
    await Promise.all(workers);
    backends.users.clearFault();

    expect(await exitCode).toBe(0);
    const answered = results.filter((r) => r.outcome === 'answered');
    // A connection can break before the app ever sees its request: the kernel had
    // queued it when the listener closed, or Node had accepted the socket but no
    // request on it yet. Such a request was never accepted: A logged nothing for it.
    // Anything A did start, it finished.
    const seenByA = new Set(a.logs.flatMap((line) => (typeof line.requestId === 'string' ? [line.requestId] : [])));
    const lostAfterAcceptance = results.filter((r) => r.outcome === 'lost' && seenByA.has(r.requestId ?? ''));
    expect(lostAfterAcceptance).toEqual([]);
    expect(results.filter((r) => r.outcome === 'lost').length).toBeLessThan(answered.length);
    expect(answered.length).toBeGreaterThan(8);
    // Everything A accepted, it answered in full (rate limits do not apply: one request per user).
    for (const answer of answered) expect(JSON.parse(answer.body!)).toEqual({ data: { viewer: null, product: { id: 'p1' } } });
    expect(results.some((r) => r.outcome === 'refused'), JSON.stringify(results.map((r) => r.outcome))).toBe(true);
    expect(fromB.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(a.logs.map((line) => line.msg)).toContain('shut down cleanly');
  });
});
