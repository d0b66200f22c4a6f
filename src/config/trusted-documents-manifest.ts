import { createHash } from 'node:crypto';
import { ConfigError } from './config-error.js';

/**
 * A trusted-documents manifest: `{ "<sha256 hex>": "query …" }`, or Apollo's
 * `{ "operations": [{ "id": "<sha256>", "body": "query …" }] }`. Every id must be the
 * SHA-256 of its body, so a manifest cannot smuggle in a document under another hash.
 */
export function readManifest(path: string, readFile: (path: string) => string): ReadonlyMap<string, string> {
  let json: unknown;
  try {
    json = JSON.parse(readFile(path));
  } catch (error) {
    throw new ConfigError([`PERSISTED_QUERIES_MANIFEST: ${path} cannot be read as JSON (${(error as Error).message})`]);
  }
  const entries: [string, unknown][] =
    typeof json === 'object' && json !== null && Array.isArray((json as { operations?: unknown }).operations)
      ? ((json as { operations: { id?: unknown; body?: unknown }[] }).operations.map((op) => [String(op.id), op.body]) as [string, unknown][])
      : Object.entries((json ?? {}) as Record<string, unknown>);
  const manifest = new Map<string, string>();
  const problems: string[] = [];
  for (const [id, body] of entries) {
    if (typeof body !== 'string') {
      problems.push(`PERSISTED_QUERIES_MANIFEST ${path}: operation ${id} has no document`);
      continue;
    }
    const hash = createHash('sha256').update(body).digest('hex');
    if (hash !== id) problems.push(`PERSISTED_QUERIES_MANIFEST ${path}: ${id} is not the sha256 of its document (${hash})`);
    else manifest.set(id, body);
  }
  if (manifest.size === 0 && problems.length === 0) problems.push(`PERSISTED_QUERIES_MANIFEST ${path}: no operations`);
  if (problems.length > 0) throw new ConfigError(problems);
  return manifest;
}
