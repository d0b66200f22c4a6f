import { errors as joseErrors, type FlattenedJWSInput, type JWSHeaderParameters } from 'jose';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isKeySetUnavailableError } from '../../../src/edge/key-set-unavailable-error.js';
import { createRemoteKeySet, type KeySetFetchOutcome, type RemoteKeySetOptions } from '../../../src/edge/remote-key-set.js';
import { createSigningKey, startJwksServer, type JwksServer, type SigningKey } from '../../helpers/start-jwks-server.js';

const COOLDOWN_MS = 10_000;
const MAX_AGE_MS = 600_000;
const TOKEN = {} as FlattenedJWSInput;
const header = (key: SigningKey | { kid: string; alg: string }): JWSHeaderParameters => ({ alg: key.alg, kid: key.kid });

let rsa: SigningKey;
let ec: SigningKey;
let rotated: SigningKey;
beforeAll(async () => {
  [rsa, ec, rotated] = await Promise.all([createSigningKey('RS256', 'rsa-1'), createSigningKey('ES256', 'ec-1'), createSigningKey('RS256', 'rsa-2')]);
});

let server: JwksServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A key set in front of a local JWKS endpoint, on a clock the test moves. */
async function setUp(keys: SigningKey[], options: Partial<RemoteKeySetOptions> = {}) {
  server = await startJwksServer(keys);
  let at = 1_000_000;
  const outcomes: KeySetFetchOutcome[] = [];
  const keySet = createRemoteKeySet({
    url: server.url,
    timeoutMs: 2000,
    cooldownMs: COOLDOWN_MS,
    maxAgeMs: MAX_AGE_MS,
    now: () => at,
    onFetch: (outcome) => outcomes.push(outcome),
    ...options,
  });
  return { server, keySet, outcomes, advance: (ms: number) => void (at += ms) };
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('createRemoteKeySet', () => {
  it('fetches once and serves every later lookup of a known kid from memory', async () => {
    const { server, keySet, outcomes } = await setUp([rsa, ec]);
    const first = await Promise.all(Array.from({ length: 20 }, () => keySet.getKey(header(rsa), TOKEN)));
    for (let i = 0; i < 30; i += 1) await keySet.getKey(header(i % 2 === 0 ? rsa : ec), TOKEN);
    expect(server.fetches).toBe(1);
    expect(first[0]!.algorithm.name).toBe('RSASSA-PKCS1-v1_5');
    expect((await keySet.getKey(header(ec), TOKEN)).algorithm.name).toBe('ECDSA');
    expect(outcomes).toEqual([{ ok: true, keys: 2, changed: true, durationMs: expect.any(Number) }]);
    expect(keySet.state()).toEqual({ keys: 2, generation: 1, ageSeconds: 0, lastError: null });
  });

  it('an unknown kid fetches again once the cooldown has passed, and finds a key published since (rotation)', async () => {
    const { server, keySet, advance } = await setUp([rsa]);
    await keySet.getKey(header(rsa), TOKEN);
    server.publish([rsa, rotated]);
    // Within the cooldown the set just fetched is believed: the kid does not exist.
    expect(await failureOf(keySet.getKey(header(rotated), TOKEN))).toBeInstanceOf(joseErrors.JWKSNoMatchingKey);
    expect(server.fetches).toBe(1);
    advance(COOLDOWN_MS);
    expect((await keySet.getKey(header(rotated), TOKEN)).type).toBe('public');
    expect(server.fetches).toBe(2);
    expect(keySet.generation()).toBe(2);
  });

  it('a flood of made-up kids costs at most one fetch per cooldown', async () => {
    const { server, keySet, advance } = await setUp([rsa]);
    await keySet.getKey(header(rsa), TOKEN);
    let refused = 0;
    for (let round = 0; round < 5; round += 1) {
      const results = await Promise.allSettled(
        Array.from({ length: 100 }, (_, i) => keySet.getKey({ alg: 'RS256', kid: `bogus-${round}-${i}` }, TOKEN)),
      );
      refused += results.filter((r) => r.status === 'rejected' && r.reason instanceof joseErrors.JWKSNoMatchingKey).length;
      advance(COOLDOWN_MS / 2);
    }
    expect(refused).toBe(500);
    // 1 at the start, then one per elapsed cooldown (5 rounds of half a cooldown: 2 more).
    expect(server.fetches).toBe(3);
  });

  it('keys older than maxAge are still used while a background fetch replaces them; a removed key then stops matching', async () => {
    const { server, keySet, advance } = await setUp([rsa, ec]);
    await keySet.getKey(header(rsa), TOKEN);
    server.publish([ec]);
    advance(MAX_AGE_MS);
    // Answered from the old set at once; the refresh runs behind it.
    expect((await keySet.getKey(header(rsa), TOKEN)).type).toBe('public');
    await keySet.warmUp(); // waits for the refresh in flight
    expect(server.fetches).toBe(2);
    expect(keySet.generation()).toBe(2);
    expect(await failureOf(keySet.getKey(header(rsa), TOKEN))).toBeInstanceOf(joseErrors.JWKSNoMatchingKey);
    expect((await keySet.getKey(header(ec), TOKEN)).type).toBe('public');
  });

  it('generation() alone starts the refresh of old keys (cached tokens are re-checked against it)', async () => {
    const { server, keySet, advance } = await setUp([rsa]);
    await keySet.warmUp();
    expect(keySet.generation()).toBe(1);
    server.publish([rotated]);
    advance(MAX_AGE_MS - 1);
    expect(keySet.generation()).toBe(1);
    expect(server.fetches).toBe(1);
    advance(1);
    expect(keySet.generation()).toBe(1);
    await keySet.warmUp();
    expect(keySet.generation()).toBe(2);
    expect(server.fetches).toBe(2);
  });

  it('an unchanged key set keeps its generation (cached tokens are not re-verified for nothing)', async () => {
    const { server, keySet, advance, outcomes } = await setUp([rsa]);
    await keySet.warmUp();
    advance(MAX_AGE_MS);
    keySet.generation();
    await keySet.warmUp();
    expect(server.fetches).toBe(2);
    expect(keySet.generation()).toBe(1);
    expect(outcomes.map((o) => o.ok && o.changed)).toEqual([true, false]);
  });

  it('a hanging endpoint fails the lookup after timeoutMs with a typed error, then answers at once during the cooldown', async () => {
    const { server, keySet, advance, outcomes } = await setUp([rsa], { timeoutMs: 150 });
    server.setMode('hang');
    const error = await failureOf(keySet.getKey(header(rsa), TOKEN));
    expect(isKeySetUnavailableError(error)).toBe(true);
    expect(error).toMatchObject({ retryAfter: 10, message: expect.stringContaining('no answer within 150 ms') });
    expect(outcomes).toEqual([{ ok: false, error: 'no answer within 150 ms', durationMs: expect.any(Number) }]);
    // The cooldown also spaces attempts after a failure: no fetch, an answer without waiting.
    advance(4_000);
    const again = await failureOf(keySet.getKey(header(rsa), TOKEN));
    expect(again).toMatchObject({ isKeySetUnavailableError: true, retryAfter: 6 });
    expect(server.fetches).toBe(1);
    // Back up: the next lookup after the cooldown fetches and succeeds.
    server.setMode('ok');
    advance(6_000);
    expect((await keySet.getKey(header(rsa), TOKEN)).type).toBe('public');
    expect(server.fetches).toBe(2);
  });

  it('concurrent lookups share one fetch, also while it hangs', async () => {
    const { server, keySet } = await setUp([rsa], { timeoutMs: 150 });
    server.setMode('hang');
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => keySet.getKey(header(rsa), TOKEN)));
    expect(results.every((r) => r.status === 'rejected' && isKeySetUnavailableError(r.reason))).toBe(true);
    expect(server.fetches).toBe(1);
  });

  it('a failed refresh keeps the keys it had; an unknown kid meanwhile is "unavailable", not "no such key"', async () => {
    const { server, keySet, advance } = await setUp([rsa]);
    await keySet.warmUp();
    server.setMode('error');
    advance(MAX_AGE_MS);
    keySet.generation();
    await keySet.warmUp();
    expect(keySet.state()).toMatchObject({ keys: 1, generation: 1, lastError: 'answered HTTP 500, expected 200' });
    expect((await keySet.getKey(header(rsa), TOKEN)).type).toBe('public');
    expect(isKeySetUnavailableError(await failureOf(keySet.getKey(header(rotated), TOKEN)))).toBe(true);
    expect(server.fetches).toBe(2);
  });

  it.each([
    ['not JSON', 'garbage' as const, 'the answer is not JSON'],
    ['an HTTP error', 'error' as const, 'answered HTTP 500, expected 200'],
  ])('an answer that is %s is a failed fetch, named in the error', async (_label, mode, reason) => {
    const { server, keySet } = await setUp([rsa]);
    server.setMode(mode);
    const error = await failureOf(keySet.getKey(header(rsa), TOKEN));
    expect(isKeySetUnavailableError(error)).toBe(true);
    expect(keySet.state().lastError).toBe(reason);
  });

  it('refuses a key set larger than maxBytes, and an endpoint that does not listen', async () => {
    const { keySet } = await setUp([rsa, ec, rotated], { maxBytes: 512 });
    expect(isKeySetUnavailableError(await failureOf(keySet.getKey(header(rsa), TOKEN)))).toBe(true);
    expect(keySet.state().lastError).toBe('the key set is larger than 512 bytes');

    const closed = createRemoteKeySet({ url: 'http://127.0.0.1:9/jwks.json', timeoutMs: 1000, cooldownMs: COOLDOWN_MS, maxAgeMs: MAX_AGE_MS });
    expect(isKeySetUnavailableError(await failureOf(closed.getKey(header(rsa), TOKEN)))).toBe(true);
    expect(closed.state().lastError).toMatch(/ECONNREFUSED|fetch failed/);
  });

  it('never offers a key of another family: an ES256 header does not get the RSA key of the same kid', async () => {
    const { keySet } = await setUp([rsa]);
    expect(await failureOf(keySet.getKey({ alg: 'ES256', kid: rsa.kid }, TOKEN))).toBeInstanceOf(joseErrors.JWKSNoMatchingKey);
    expect(await failureOf(keySet.getKey({ alg: 'HS256', kid: rsa.kid }, TOKEN))).toBeInstanceOf(joseErrors.JOSENotSupported);
  });
});
