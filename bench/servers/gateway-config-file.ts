/**
 * The GATEWAY_CONFIG file of a server of the Redis scenario: only `cache.keyPrefix`,
 * so each server of each run keeps its keys (cache entries, rate-limit counters) apart
 * on the shared Redis — Apollo Server must not be served the gateway's cache entries —
 * and the run can delete exactly its own keys afterwards. Nothing else is overridden.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes `gateway-config-<server>.json` into `dir` (bench/.build, recreated by every run). */
export function writeGatewayConfigFile(dir: string, server: string, keyPrefix: string): string {
  const path = join(dir, `gateway-config-${server}.json`);
  writeFileSync(path, `${JSON.stringify({ cache: { keyPrefix } }, null, 2)}\n`);
  return path;
}
