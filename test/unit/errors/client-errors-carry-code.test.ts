import { GraphQLError, Kind } from 'graphql';
import { describe, expect, it } from 'vitest';
import * as clientErrors from '../../../src/errors/client-errors.js';

/** One call of every builder, with plausible arguments. */
const built: Record<string, GraphQLError | { message: string; extensions: Record<string, unknown> }> = {
  unauthenticated: clientErrors.unauthenticated('missing'),
  identityProviderUnavailable: clientErrors.identityProviderUnavailable(10),
  forbidden: clientErrors.forbidden(),
  badUserInput: clientErrors.badUserInput('bad', { argument: 'first' }),
  notFound: clientErrors.notFound('gone'),
  conflict: clientErrors.conflict('stale version', 3),
  syncTokenRejected: clientErrors.syncTokenRejected('SYNC_TOKEN_INVALID', 'bad token'),
  invalidId: clientErrors.invalidId(),
  rateLimited: clientErrors.rateLimited(2),
  persistedQueryNotFound: clientErrors.persistedQueryNotFound(),
  persistedQueryMismatch: clientErrors.persistedQueryMismatch(),
  fieldRateLimited: clientErrors.fieldRateLimited('Query.products', 5),
  upgradeRequired: clientErrors.upgradeRequired('ios', '2.0.0'),
  queryTooComplex: clientErrors.queryTooComplex('depth', 12, 20),
  crossSiteFormRefused: clientErrors.crossSiteFormRefused(),
  requestEntityTooLarge: clientErrors.requestEntityTooLarge(65536),
  ...Object.fromEntries(Object.entries(clientErrors.trustedDocumentErrors).map(([name, error]) => [`trustedDocumentErrors.${name}`, error])),
};

describe('client errors: one module, every one with code and retryable', () => {
  it('the list above covers every builder the module exports', () => {
    const exported = Object.entries(clientErrors)
      .filter(([, value]) => typeof value === 'function')
      .map(([name]) => name);
    expect(exported.filter((name) => !(name in built))).toEqual([]);
  });

  it.each(Object.entries(built))('%s carries a string code and a boolean retryable', (_name, error) => {
    expect(typeof error.extensions!['code']).toBe('string');
    expect(typeof error.extensions!['retryable']).toBe('boolean');
  });

  it('badUserInput keeps the location of the literal it is about', () => {
    const error = clientErrors.badUserInput('DateTime must be a string', {}, {
      kind: Kind.INT,
      value: '1',
      loc: undefined,
    });
    expect(error.nodes).toHaveLength(1);
  });
});
