/**
 * The key a token needs could not be known: the identity provider's key set did not
 * answer (timeout, refused, not a key set) and no key fetched before matches. Not the
 * token's fault, so the phone hears "try again", never "your token is bad".
 */
export class KeySetUnavailableError extends Error {
  /** A flag rather than `instanceof`, so the check works across two copies of this module. */
  readonly isKeySetUnavailableError = true;
  /** Seconds until the gateway will try the provider again (the fetch cooldown), at least 1. */
  readonly retryAfter: number;

  constructor(message: string, retryAfter: number, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'KeySetUnavailableError';
    this.retryAfter = retryAfter;
  }
}

export function isKeySetUnavailableError(error: unknown): error is KeySetUnavailableError {
  return typeof error === 'object' && error !== null && (error as { isKeySetUnavailableError?: unknown }).isKeySetUnavailableError === true;
}
