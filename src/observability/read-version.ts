import { readFileSync } from 'node:fs';

/**
 * The gateway's version from package.json, found beside `src/` (source runs) or one
 * level further up (the built `dist/src/`), or "unknown".
 */
export function readVersion(): string {
  for (const relative of ['../../package.json', '../../../package.json']) {
    try {
      const json = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (json.name === 'mobile-graphql-gateway' && typeof json.version === 'string') return json.version;
    } catch {
      // Not at this level: try the next.
    }
  }
  return 'unknown';
}
