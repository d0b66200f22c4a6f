import { createLocalJWKSet, errors as joseErrors, type FlattenedJWSInput, type JSONWebKeySet, type JWSHeaderParameters } from 'jose';
import { systemClock, type Clock } from '../clock.js';
import { KeySetUnavailableError } from './key-set-unavailable-error.js';

export interface RemoteKeySetOptions {
  /** JWT_JWKS_URL. */
  url: string;
  /** A fetch (connection, headers and body) that takes longer fails. */
  timeoutMs: number;
  /** At most one fetch per this interval, whatever asks for it. */
  cooldownMs: number;
  /** Keys older than this are refreshed in the background, still used meanwhile. */
  maxAgeMs: number;
  /** Clock of the cooldown and the keys' age (timeouts run on real time). @default systemClock */
  now?: Clock;
  /** A larger key-set document is refused (a key set is a few KiB). @default 1048576 */
  maxBytes?: number;
  /** Told about every fetch, for the logs. */
  onFetch?: (outcome: KeySetFetchOutcome) => void;
}

export type KeySetFetchOutcome =
  | { ok: true; keys: number; changed: boolean; durationMs: number }
  | { ok: false; error: string; durationMs: number };

/** What /health/detailed shows of the key set. */
export interface KeySetState {
  keys: number;
  /** Bumped whenever a fetch brings a different key set. */
  generation: number;
  /** Seconds since the last successful fetch; null: none yet. */
  ageSeconds: number | null;
  /** Why the last fetch failed; null when it succeeded (or none ran yet). */
  lastError: string | null;
}

export interface RemoteKeySet {
  /**
   * jose's key lookup (`jwtVerify(token, keySet.getKey, …)`). Throws jose's
   * `JWKSNoMatchingKey` when a key set fetched within the cooldown holds no key for the
   * token (its `kid` is unknown: the token is bad), and a `KeySetUnavailableError` when the
   * key could not be known because the provider did not answer.
   */
  getKey(header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey>;
  /**
   * The current key set's generation: tokens verified under an older one are verified
   * again (a removed key stops working for cached tokens too). Starts a background
   * refresh when the keys are older than `maxAgeMs`. O(1).
   */
  generation(): number;
  /** Fetches now unless the cooldown forbids it (at start-up, so the first request does not wait). */
  warmUp(): Promise<void>;
  state(): KeySetState;
}

const DEFAULT_MAX_BYTES = 1024 * 1024;

/**
 * An identity provider's public keys, fetched from its JWKS URL and cached. Instead of
 * jose's `createRemoteJWKSet` because of how that one behaves while the provider is
 * down: its cooldown starts only after a successful fetch, so every request re-fetches
 * during an outage, and once its `cacheMaxAge` passes it throws on a failed refresh even
 * though it holds working keys. Here:
 *
 * - at most one fetch is in flight, and at most one starts per `cooldownMs`, whatever
 *   asks for it (unknown `kid`, retry after a failure, periodic refresh);
 * - a fetch is bounded by `timeoutMs` (connection, headers and body) and `maxBytes`;
 * - keys older than `maxAgeMs` keep being used while a background fetch replaces them;
 *   a failed refresh keeps the old keys;
 * - key selection and import (kty, alg, use, key_ops, crv, public keys only) are jose's
 *   (`createLocalJWKSet`).
 */
export function createRemoteKeySet(options: RemoteKeySetOptions): RemoteKeySet {
  const now = options.now ?? systemClock;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  let keys: ReturnType<typeof createLocalJWKSet> | null = null;
  let keyCount = 0;
  /** The last key-set document as fetched: an unchanged one keeps the generation (and jose's imported keys). */
  let document: string | null = null;
  let generation = 0;
  let fetchedAt: number | null = null;
  let attemptedAt: number | null = null;
  let lastError: string | null = null;
  let inFlight: Promise<void> | null = null;

  const mayFetch = () => attemptedAt === null || now() - attemptedAt >= options.cooldownMs;
  const isStale = () => fetchedAt !== null && now() - fetchedAt >= options.maxAgeMs;
  const unavailable = () =>
    new KeySetUnavailableError(
      `The identity provider's key set (${options.url}) could not be fetched: ${lastError ?? 'no answer yet'}`,
      attemptedAt === null ? 1 : Math.max(1, Math.ceil((attemptedAt + options.cooldownMs - now()) / 1000)),
    );

  /** Takes a fetched document as the key set; throws (the old keys stay) when it is not one. */
  const apply = (text: string): { keys: number; changed: boolean } => {
    const changed = text !== document;
    if (changed) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new Error('the answer is not JSON');
      }
      // Throws jose's JWKSInvalid for anything but { "keys": [object, …] }.
      keys = createLocalJWKSet(json as JSONWebKeySet);
      keyCount = (json as JSONWebKeySet).keys.length;
      document = text;
      generation += 1;
    }
    fetchedAt = now();
    lastError = null;
    return { keys: keyCount, changed };
  };

  const fetchNow = (): Promise<void> => {
    if (inFlight !== null) return inFlight;
    attemptedAt = now();
    const started = performance.now();
    const attempt: Promise<void> = download(options.url, options.timeoutMs, maxBytes)
      .then(apply)
      .then(
        (result) => options.onFetch?.({ ok: true, ...result, durationMs: performance.now() - started }),
        (error: unknown) => {
          lastError = describeFailure(error, options.timeoutMs);
          options.onFetch?.({ ok: false, error: lastError, durationMs: performance.now() - started });
        },
      )
      .finally(() => {
        inFlight = null;
      });
    inFlight = attempt;
    return attempt;
  };

  return {
    async getKey(header, token) {
      if (keys === null) {
        if (inFlight !== null || mayFetch()) await fetchNow();
        if (keys === null) throw unavailable();
      } else if (isStale() && inFlight === null && mayFetch()) {
        void fetchNow();
      }
      try {
        return await keys(header, token);
      } catch (error) {
        if (!(error instanceof joseErrors.JWKSNoMatchingKey)) throw error;
        // A kid we do not hold: the provider may have rotated its keys since the last
        // fetch. Ask again, unless we asked within the cooldown.
        if (inFlight !== null || mayFetch()) {
          await fetchNow();
          if (lastError !== null) throw unavailable();
          return keys(header, token);
        }
        // The last fetch failed: the key may exist; we cannot tell.
        if (lastError !== null) throw unavailable();
        throw error;
      }
    },
    generation() {
      if (isStale() && inFlight === null && mayFetch()) void fetchNow();
      return generation;
    },
    async warmUp() {
      if (inFlight !== null || mayFetch()) await fetchNow();
    },
    state() {
      return {
        keys: keyCount,
        generation,
        ageSeconds: fetchedAt === null ? null : Math.floor((now() - fetchedAt) / 1000),
        lastError,
      };
    },
  };
}

// Private:

/** GET the key set: 200 only (no redirects), within `timeoutMs` for everything, at most `maxBytes`. */
async function download(url: string, timeoutMs: number, maxBytes: number): Promise<string> {
  const signal = AbortSignal.timeout(timeoutMs);
  const response = await fetch(url, { signal, redirect: 'manual', headers: { accept: 'application/jwk-set+json, application/json' } });
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new Error(`answered HTTP ${response.status}, expected 200`);
  }
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new Error(`the key set is larger than ${maxBytes} bytes`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (response.body !== null) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw new Error(`the key set is larger than ${maxBytes} bytes`);
      }
      chunks.push(value);
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError' || error.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
    if (error instanceof joseErrors.JWKSInvalid) return 'the answer is not a JSON Web Key Set';
    const code = (error.cause as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
