import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Writes `content` (JSON-encoded unless a string) to a fresh temp dir; returns the path. */
export function writeTempFile(name: string, content: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'gateway-test-')), name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}
