import { randomUUID } from 'node:crypto';

// Short and printable, so a client cannot inject log lines or huge headers.
const ACCEPTABLE = /^[A-Za-z0-9._:-]{1,128}$/;

/** The client's X-Request-ID when it is acceptable, else a new UUID. */
export function resolveRequestId(header: string | null | undefined): string {
  return header !== null && header !== undefined && ACCEPTABLE.test(header) ? header : randomUUID();
}
