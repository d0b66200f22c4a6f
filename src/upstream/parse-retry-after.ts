const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

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
    // Only the IMF-fixdate of RFC 9110 (`Sun, 06 Nov 1994 08:49:37 GMT`): V8's
    // Date.parse would also read "1.5" or "-5" as dates.
    if (!IMF_FIXDATE.test(trimmed)) return undefined;
    const date = Date.parse(trimmed);
    if (Number.isNaN(date)) return undefined;
    seconds = Math.ceil((date - now) / 1000);
  }
  return Math.min(Math.max(seconds, 0), maxSeconds);
}
