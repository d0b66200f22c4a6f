import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../../src/edge/authenticate.js';
import { signDevToken } from '../../../src/edge/sign-dev-token.js';
import { createMovableClock } from '../../helpers/movable-clock.js';

const SECRET = 'authenticate-clock-test-secret-0123456789';

describe('authenticate on the injected clock', () => {
  it('a verified (and cached) token expires when the clock passes its exp, without waiting', async () => {
    const clock = createMovableClock();
    const authenticate = createAuthenticator({ secret: SECRET, now: clock.now });
    const header = `Bearer ${await signDevToken('u1', SECRET, { expiresIn: '60s' })}`;
    expect(await authenticate(header)).toEqual({ status: 'authenticated', viewerId: 'u1' });
    // Served from the cache while fresh.
    expect(await authenticate(header)).toEqual({ status: 'authenticated', viewerId: 'u1' });
    clock.advance(61_000);
    expect(await authenticate(header)).toMatchObject({ status: 'invalid', reason: 'expired' });
  });
});
