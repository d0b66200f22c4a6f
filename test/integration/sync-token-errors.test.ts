import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

const DELTA = 'query D($t: String, $n: Int) { ordersDelta(syncToken: $t, first: $n) { changed { id } deletedIds syncToken hasMore } }';

describe('sync token errors', () => {
  let t: TestGateway;
  let clock = Date.now();
  beforeAll(async () => {
    t = await startTestGateway({ SYNC_TOKEN_TTL_SECONDS: '3600', UPSTREAM_MAX_RETRIES: '0' }, { now: () => clock });
  });
  afterAll(() => t.close());

  async function firstToken(userId: string): Promise<string> {
    const { body } = await t.gql(DELTA, { as: userId, variables: { n: 500 } });
    return (body.data!.ordersDelta as { syncToken: string }).syncToken;
  }

  const rejection = (code: string) => [
    expect.objectContaining({ path: ['ordersDelta'], extensions: { code, retryable: false, action: 'FULL_RESYNC' } }),
  ];

  it('a change to any single character of the token makes it SYNC_TOKEN_INVALID', async () => {
    const token = await firstToken('u11');
    const tampered = new Set<string>();
    for (let i = 0; i < token.length; i += 1) {
      const replacement = token[i] === 'A' ? 'B' : token[i] === '.' ? '-' : 'A';
      tampered.add(token.slice(0, i) + replacement + token.slice(i + 1));
    }
    tampered.add(`${token}A`);
    tampered.add(token.slice(0, -1));
    expect(tampered.size).toBe(token.length + 2);
    for (const bad of tampered) {
      const { body } = await t.gql(DELTA, { as: 'u11', variables: { t: bad } });
      expect(body.errors, bad).toEqual(rejection('SYNC_TOKEN_INVALID'));
      expect(body.data).toBeNull();
    }
  });

  it("another user's token is SYNC_TOKEN_INVALID", async () => {
    const token = await firstToken('u12');
    const { body } = await t.gql(DELTA, { as: 'u13', variables: { t: token } });
    expect(body.errors).toEqual(rejection('SYNC_TOKEN_INVALID'));
  });

  it('an expired token is SYNC_TOKEN_EXPIRED (fake clock)', async () => {
    const token = await firstToken('u14');
    clock += 3599_000;
    expect((await t.gql(DELTA, { as: 'u14', variables: { t: token } })).body.errors).toBeUndefined();
    clock += 2_000;
    const { body } = await t.gql(DELTA, { as: 'u14', variables: { t: token } });
    expect(body.errors).toEqual(rejection('SYNC_TOKEN_EXPIRED'));
  });

  it('a feed compacted past the token (backend 410) is SYNC_TOKEN_EXPIRED', async () => {
    const token = await firstToken('u15');
    // Changes after the token, then the feed forgets them.
    await fetch(`${t.backends.urls.orders}/orders/o00015`, { method: 'DELETE' });
    const head = (await (await fetch(`${t.backends.urls.orders}/orders/changes?userId=u15&after=0&limit=1`)).json()) as { latestSeq: number };
    await fetch(`${t.backends.urls.orders}/__admin/compact`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ upToSeq: head.latestSeq }),
    });
    const { body } = await t.gql(DELTA, { as: 'u15', variables: { t: token } });
    expect(body.errors).toEqual(rejection('SYNC_TOKEN_EXPIRED'));
    // A full resync (no token) still works after compaction.
    const fresh = await t.gql(DELTA, { as: 'u15', variables: { n: 500 } });
    expect((fresh.body.data!.ordersDelta as { changed: unknown[] }).changed).toHaveLength(29);
  });

  it('orders backend down: SERVICE_UNAVAILABLE with retryAfter, and no token issued', async () => {
    const token = await firstToken('u16');
    t.backends.orders.setFault({ mode: '503', retryAfter: 4 });
    const { body } = await t.gql(DELTA, { as: 'u16', variables: { t: token } });
    t.backends.orders.clearFault();
    expect(body.data).toBeNull();
    expect(body.errors).toEqual([
      expect.objectContaining({ path: ['ordersDelta'], extensions: { code: 'SERVICE_UNAVAILABLE', service: 'orders', retryable: true, retryAfter: 4 } }),
    ]);
  });
});
