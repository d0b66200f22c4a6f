import type { Plugin } from 'graphql-yoga';
import { compareSemver, parseSemver, type Semver } from '../edge/semver.js';
import { upgradeRequired } from '../errors/client-errors.js';
import { scopeOf, type RequestScopeServerContext } from '../request-scope.js';

/**
 * Refuses operations from app versions older than `minimumVersions[clientName]` with
 * one UPGRADE_REQUIRED error and no data (HTTP 200), so the app shows its upgrade
 * screen. Served as usual: apps without a configured minimum, requests without a
 * client name or version, and versions that are not semantic versions (a broken
 * version header must not lock users out).
 *
 * It runs when the parameters are known, before persisted-query lookup, parsing and
 * validation: an old app whose operation uses a field since removed, or whose hash
 * left the trusted-documents manifest, still gets UPGRADE_REQUIRED rather than a
 * validation or PERSISTED_QUERY_NOT_FOUND error it cannot act on. Thrown, because
 * an error thrown in `onParams` stops the later hooks (a result set there would not).
 */
export function useMinimumClientVersions(minimumVersions: Readonly<Record<string, string>>): Plugin<RequestScopeServerContext> {
  const minimums = new Map<string, { text: string; version: Semver }>();
  for (const [name, text] of Object.entries(minimumVersions)) {
    const version = parseSemver(text);
    // Configuration validates these; a bad one here is a programming error.
    if (version === null) throw new TypeError(`minimum version of ${name} is not a semantic version: ${JSON.stringify(text)}`);
    minimums.set(name, { text, version });
  }
  if (minimums.size === 0) return {};
  return {
    onParams({ context }) {
      const { client } = scopeOf(context);
      const minimum = minimums.get(client.name);
      if (minimum === undefined) return;
      const version = parseSemver(client.version);
      if (version !== null && compareSemver(version, minimum.version) < 0) throw upgradeRequired(client.name, minimum.text);
    },
  };
}
