/**
 * Reads an HTTP `Retry-After` header (delta-seconds or an HTTP date) as whole
 * seconds from `now`, or undefined when absent or unreadable. Capped so that a
 * backend cannot tell an app to stay away for days.
 */
export function parseRetryAfter(
  value: string | string[] | undefined,
  now: number = Date.now(),
  maxSeconds = 3600,
): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw === '') return undefined;
  const trimmed = raw.trim();
  let seconds: number;
  if (/^\d+$/.test(trimmed)) {
    seconds = Number(trimmed);
  } else {
    const date = Date.parse(trimmed);
    if (Number.isNaN(date)) return undefined;
    seconds = Math.ceil((date - now) / 1000);
  }
  return Math.min(Math.max(seconds, 0), maxSeconds);
}
