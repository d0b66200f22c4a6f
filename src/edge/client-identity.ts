/** Which app is calling, as its headers say, made safe to log and to use as a metric label. */
export interface ClientIdentity {
  /** The client's name; `unknown` when it sent none, `invalid` when it sent something unusable. */
  readonly name: string;
  /** The client's version, with the same two stand-ins. */
  readonly version: string;
}

/** The stand-ins a client name or version can never be: configuration refuses them as names. */
export const RESERVED_CLIENT_VALUES: readonly string[] = ['unknown', 'invalid', 'other'];

// What Apollo Kotlin and Apollo iOS send: reverse-DNS ids, "MyApp-ios", "web app"; 64
// characters is far more than any real one, and no quote, backslash or control
// character ever reaches a log line or a label.
const NAME = /^[\w .~:/@+-]{1,64}$/;
// Semantic versions and the usual build schemes (1.2.3-456, 2024.01.05.3, a commit hash).
const VERSION = /^[\w.+-]{1,64}$/;

/** One header's value by its lower-case name (node's or the fetch API's headers alike). */
export type HeaderReader = (name: string) => string | null | undefined;

/**
 * The client of a request: `apollographql-client-name` / `-version` (what Apollo's
 * mobile clients send), else `x-client-name` / `x-client-version`. Read once per request,
 * into its scope (`request-scope.ts`).
 */
export function readClientIdentity(header: HeaderReader): ClientIdentity {
  return {
    name: sanitize(header('apollographql-client-name') ?? header('x-client-name'), NAME),
    version: sanitize(header('apollographql-client-version') ?? header('x-client-version'), VERSION),
  };
}

/** True for a name a client could send (configuration checks minimum-version keys with it). */
export function isClientName(name: string): boolean {
  return NAME.test(name) && name.trim() === name && !RESERVED_CLIENT_VALUES.includes(name);
}

// Private:

function sanitize(value: string | null | undefined, allowed: RegExp): string {
  const trimmed = value?.trim() ?? '';
  if (trimmed === '') return 'unknown';
  return allowed.test(trimmed) ? trimmed : 'invalid';
}
