import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../src/edge/sign-dev-token.js';
import { rawRequest } from '../helpers/raw-http.js';
import { startTestGateway, TEST_JWT_SECRET, type TestGateway } from '../helpers/start-test-gateway.js';

const QUERY = '{ product(id: "p1") { id } }';

const bearer = async (userId: string, claims: Record<string, unknown> = {}) => `Bearer ${await signDevToken(userId, TEST_JWT_SECRET, { claims })}`;

/** Sends requests until the first 429; returns how many passed and the RateLimit-Limit they said. */
async function passesUntilRefused(send: () => Promise<{ status: number; limit: string | null }>, atMost = 20): Promise<{ passed: number; limits: Set<string | null> }> {
  const limits = new Set<string | null>();
  for (let passed = 0; passed <= atMost; passed += 1) {
    const { status, limit } = await send();
    limits.add(limit);
    if (status === 429) return { passed, limits };
    expect(status).toBe(200);
  }
  throw new Error(`no 429 after ${atMost} requests`);
}

describe('client rate limit tiers (CLIENT_RATE_LIMIT=3/60, CLIENT_RATE_LIMIT_TIERS=premium=6/60,partner=10/60)', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ CLIENT_RATE_LIMIT: '3/60', CLIENT_RATE_LIMIT_TIERS: 'premium=6/60,partner=10/60' });
  });
  afterAll(() => t.close());

  const asViewer = (authorization: string) => async () => {
    const { status, headers } = await t.gql(QUERY, { authorization });
    return { status, limit: headers.get('ratelimit-limit') };
  };

  it("a viewer whose token says tier=premium gets premium's 6, then 429", async () => {
    expect(await passesUntilRefused(asViewer(await bearer('tier-p1', { tier: 'premium' })))).toEqual({ passed: 6, limits: new Set(['6']) });
  });

  it("tier=partner gets partner's 10", async () => {
    expect(await passesUntilRefused(asViewer(await bearer('tier-p2', { tier: 'partner' })))).toEqual({ passed: 10, limits: new Set(['10']) });
  });

  it("a premium viewer's batch is charged against premium's limit too (every operation counts)", async () => {
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: await bearer('tier-b1', { tier: 'premium' }) },
      body: JSON.stringify(Array.from({ length: 5 }, () => ({ query: QUERY }))),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(Array.from({ length: 5 }, () => ({ data: { product: { id: 'p1' } } })));
    expect([response.headers.get('ratelimit-limit'), response.headers.get('ratelimit-remaining')]).toEqual(['6', '1']);
  });

  it('a viewer without the claim, or naming an unknown tier, gets CLIENT_RATE_LIMIT (3)', async () => {
    expect(await passesUntilRefused(asViewer(await bearer('tier-d1')))).toEqual({ passed: 3, limits: new Set(['3']) });
    expect(await passesUntilRefused(asViewer(await bearer('tier-d2', { tier: 'gold' })))).toEqual({ passed: 3, limits: new Set(['3']) });
    expect(await passesUntilRefused(asViewer(await bearer('tier-d3', { tier: 'constructor' })))).toEqual({ passed: 3, limits: new Set(['3']) });
  });

  it('anonymous clients stay keyed by IP with the default limit; a forged premium token is anonymous too', async () => {
    const fromIp = (localAddress: string, authorization?: string) => async () => {
      const answer = await rawRequest(`${t.url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json',
          ...(authorization === undefined ? {} : { authorization }),
        },
        body: JSON.stringify({ query: QUERY }),
        localAddress,
      });
      return { status: answer.status, limit: (answer.headers['ratelimit-limit'] as string | undefined) ?? null };
    };
    expect(await passesUntilRefused(fromIp('127.0.0.6'))).toEqual({ passed: 3, limits: new Set(['3']) });
    // Same IP, a token signed with another key that claims premium: still the IP's (spent) quota.
    const forged = `Bearer ${await signDevToken('tier-f1', 'not-the-gateway-secret-0123456789abcdef', { claims: { tier: 'premium' } })}`;
    expect((await fromIp('127.0.0.6', forged)())).toEqual({ status: 429, limit: '3' });
    // A real premium viewer on that IP has its own quota and its tier's limit.
    expect(await passesUntilRefused(fromIp('127.0.0.6', await bearer('tier-p3', { tier: 'premium' })))).toEqual({ passed: 6, limits: new Set(['6']) });
  });
});

describe('RATE_LIMIT_TIER_CLAIM=plan', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ CLIENT_RATE_LIMIT: '2/60', CLIENT_RATE_LIMIT_TIERS: 'partner=5/60', RATE_LIMIT_TIER_CLAIM: 'plan' });
  });
  afterAll(() => t.close());

  it('reads the tier from `plan`; a `tier` claim is then ignored', async () => {
    const send = (authorization: string) => async () => {
      const { status, headers } = await t.gql(QUERY, { authorization });
      return { status, limit: headers.get('ratelimit-limit') };
    };
    expect(await passesUntilRefused(send(await bearer('plan-1', { plan: 'partner' })))).toEqual({ passed: 5, limits: new Set(['5']) });
    expect(await passesUntilRefused(send(await bearer('plan-2', { tier: 'partner' })))).toEqual({ passed: 2, limits: new Set(['2']) });
  });
});
