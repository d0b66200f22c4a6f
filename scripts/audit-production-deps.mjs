#!/usr/bin/env node
/**
 * CI: `npm audit --omit=dev --audit-level=high`, failing on any high or critical
 * advisory in what the image ships. When the registry's audit endpoint cannot be
 * reached (an offline mirror answers 405), that is said loudly and the step passes:
 * "no answer" is not "no advisories", and the log shows which one it was.
 */
import { spawnSync } from 'node:child_process';

const run = spawnSync('npm', ['audit', '--omit=dev', '--audit-level=high', '--json'], { encoding: 'utf8' });
let report;
try {
  report = JSON.parse(run.stdout);
} catch {
  process.stderr.write(`npm audit printed no JSON (exit ${run.status}):\n${run.stdout}${run.stderr}\n`);
  process.exit(1);
}
const counts = report.metadata?.vulnerabilities;
if (counts === undefined) {
  // npm's error report: the endpoint did not answer with advisories.
  process.stdout.write(`npm audit: the audit endpoint did not answer (${report.statusCode ?? '?'} ${report.message ?? report.error?.summary ?? ''}); NOT AUDITED\n`);
  process.exit(0);
}
const serious = (counts.high ?? 0) + (counts.critical ?? 0);
process.stdout.write(`npm audit (production dependencies): ${JSON.stringify(counts)}\n`);
if (serious > 0) {
  for (const [name, v] of Object.entries(report.vulnerabilities ?? {})) {
    if (v.severity === 'high' || v.severity === 'critical') process.stdout.write(`  ${v.severity}: ${name} ${v.range ?? ''}\n`);
  }
  process.exit(1);
}
