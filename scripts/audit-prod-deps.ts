/**
 * CI's dependency audit: `npm audit --omit=dev --audit-level=high`, failing on high or
 * critical advisories in the production dependencies only. When npm cannot get an
 * audit report at all (no network, or a registry mirror without the advisory endpoint:
 * npm exits 1 either way) the step warns loudly and passes: an outage of the advisory
 * service is not an advisory, and CI must not go red on it.
 * (run: npx tsx scripts/audit-prod-deps.ts)
 */
import { spawnSync } from 'node:child_process';

export type AuditVerdict =
  | { outcome: 'clean'; message: string }
  | { outcome: 'vulnerable'; message: string }
  | { outcome: 'unavailable'; message: string };

const FAILING_SEVERITIES = ['high', 'critical'] as const;

/**
 * Reads `npm audit --json` output. Only a real audit report (one with
 * `metadata.vulnerabilities` counts) can fail the step; anything else means no audit ran.
 */
export function auditVerdict(stdout: string): AuditVerdict {
  let report: unknown;
  try {
    report = JSON.parse(stdout);
  } catch {
    return { outcome: 'unavailable', message: `npm audit printed no JSON report: ${stdout.trim().slice(0, 200) || '(nothing)'}` };
  }
  const counts = countsOf(report);
  if (counts === null) {
    return { outcome: 'unavailable', message: `npm audit got no report from the advisory service: ${errorOf(report)}` };
  }
  const failing = FAILING_SEVERITIES.reduce((sum, severity) => sum + (counts[severity] ?? 0), 0);
  const summary = Object.entries(counts)
    .map(([severity, n]) => `${severity} ${n}`)
    .join(', ');
  if (failing === 0) return { outcome: 'clean', message: `no high or critical advisories (${summary})` };
  return { outcome: 'vulnerable', message: `high or critical advisories in production dependencies: ${failingPackages(report).join(', ')} (${summary})` };
}

// Private:

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function countsOf(report: unknown): Record<string, number> | null {
  if (!isObject(report) || !isObject(report.metadata) || !isObject(report.metadata.vulnerabilities)) return null;
  const counts: Record<string, number> = {};
  for (const [severity, n] of Object.entries(report.metadata.vulnerabilities)) if (typeof n === 'number') counts[severity] = n;
  return counts;
}

function errorOf(report: unknown): string {
  if (!isObject(report)) return 'unexpected output';
  if (typeof report.message === 'string') return report.message;
  if (isObject(report.error) && typeof report.error.summary === 'string' && report.error.summary !== '') return report.error.summary;
  if (isObject(report.error) && typeof report.error.code === 'string') return report.error.code;
  return 'unexpected output';
}

function failingPackages(report: unknown): string[] {
  if (!isObject(report) || !isObject(report.vulnerabilities)) return ['(names not reported)'];
  return Object.entries(report.vulnerabilities).flatMap(([name, entry]) =>
    isObject(entry) && (FAILING_SEVERITIES as readonly unknown[]).includes(entry.severity) ? [`${name} (${String(entry.severity)})`] : [],
  );
}

if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const run = spawnSync('npm', ['audit', '--omit=dev', '--audit-level=high', '--json'], { encoding: 'utf8', timeout: 120_000 });
  const verdict = auditVerdict(run.stdout ?? '');
  if (verdict.outcome === 'vulnerable') {
    process.stderr.write(`npm audit: ${verdict.message}\n`);
    // The human-readable report, for whoever reads the CI log.
    spawnSync('npm', ['audit', '--omit=dev', '--audit-level=high'], { stdio: 'inherit', timeout: 120_000 });
    process.exit(1);
  }
  if (verdict.outcome === 'unavailable') {
    process.stderr.write(`WARNING: dependencies NOT audited (npm exit ${String(run.status)}): ${verdict.message}\n`);
  } else {
    process.stdout.write(`npm audit: ${verdict.message}\n`);
  }
}
