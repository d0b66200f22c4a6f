import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

const DELTA = /* GraphQL */ `
  query Delta($token: String, $first: Int) {
    ordersDelta(syncToken: $token, first: $first) { changed { id version status } deletedIds syncToken hasMore }
  }
`;

interface Delta {
  changed: { id: string; version: number; status: string }[];
  deletedIds: string[];
  syncToken: string;
  hasMore: boolean;
}

describe('ordersDelta answers from the orders change feed', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(() => t.close());

  async function delta(token: string | null, first = 100, as = 'u7'): Promise<Delta> {
    const { body } = await t.gql(DELTA, { as, variables: { token, first } });
    expect(body.errors).toBeUndefined();
    return body.data!.ordersDelta as Delta;
  }

  it('syncs every order in pages, then only what changed, with tombstones', async () => {
    const ids = new Set<string>();
    let token: string | null = null;
    let pages = 0;
    for (;;) {
      const page = await delta(token, 12);
      page.changed.forEach((o) => ids.add(o.id));
      token = page.syncToken;
      pages += 1;
      if (!page.hasMore) break;
    }
    expect(ids.size).toBe(30);
    expect(pages).toBe(3);
    expect(await delta(token)).toMatchObject({ changed: [], deletedIds: [], hasMore: false });

    const [first, second] = [...ids].sort();
    await t.gql('mutation($input: UpdateOrderInput!) { updateOrder(input: $input) { id } }', {
      as: 'u7',
      variables: { input: { id: first, expectedVersion: 1, status: 'PAID' } },
    });
    await fetch(`${t.backends.urls.orders}/orders/${second}`, { method: 'DELETE' });

    const next = await delta(token);
    expect(next.changed).toEqual([{ id: first, version: 2, status: 'PAID' }]);
    expect(next.deletedIds).toEqual([second]);
    expect(next.hasMore).toBe(false);
    // Resending the old token replays the same changes: nothing is lost with a lost response.
    expect((await delta(token)).changed).toEqual(next.changed);
  });

  it('a tampered token or another user\'s token is SYNC_TOKEN_INVALID with FULL_RESYNC', async () => {
    const { syncToken } = await delta(null, 5);
    const [payload, signature] = syncToken.split('.') as [string, string];
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${Buffer.from(JSON.stringify({ ...decoded, seq: 0 })).toString('base64url')}.${signature}`;
    for (const [token, as] of [[tampered, 'u7'], [syncToken, 'u8'], ['garbage', 'u7']] as const) {
      const { body } = await t.gql(DELTA, { as, variables: { token } });
      expect(body.errors).toEqual([
        expect.objectContaining({ path: ['ordersDelta'], extensions: { code: 'SYNC_TOKEN_INVALID', retryable: false, action: 'FULL_RESYNC' } }),
      ]);
    }
  });

  it('first outside 1..500 is BAD_USER_INPUT', async () => {
    for (const first of [0, 501]) {
      const { body } = await t.gql(DELTA, { as: 'u7', variables: { first } });
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', min: 1, max: 500, actual: first });
    }
  });
});
