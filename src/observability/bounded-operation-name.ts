const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * Operation names become a metric label, and clients choose them: past `limit`
 * distinct names (or for names no real app would send) the label is "other", so a
 * client inventing names cannot explode the metrics. Anonymous operations share
 * "Anonymous".
 */
export function createOperationNameBound(limit = 200): (name: string | undefined | null) => string {
  const seen = new Set<string>();
  return (name) => {
    if (name === undefined || name === null || name === '') return 'Anonymous';
    if (seen.has(name)) return name;
    if (seen.size >= limit || !NAME.test(name)) return 'other';
    seen.add(name);
    return name;
  };
}
