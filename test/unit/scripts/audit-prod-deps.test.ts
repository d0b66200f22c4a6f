import { describe, expect, it } from 'vitest';
import { auditVerdict } from '../../../scripts/audit-prod-deps.js';

const report = (counts: Record<string, number>, vulnerabilities: Record<string, unknown> = {}) =>
  JSON.stringify({
    auditReportVersion: 2,
    vulnerabilities,
    metadata: {
      vulnerabilities: { info: 0, low: 0, moderate: 0, high: 0, critical: 0, total: 0, ...counts },
      dependencies: { prod: 120, dev: 300, optional: 0, peer: 0, peerOptional: 0, total: 420 },
    },
  });

describe('auditVerdict (CI: npm audit --omit=dev --audit-level=high)', () => {
  it.each([
    ['a clean report', report({}), 'clean'],
    ['moderate and low only', report({ moderate: 2, low: 1, total: 3 }), 'clean'],
    ['a high advisory', report({ high: 1, total: 1 }, { jose: { name: 'jose', severity: 'high' } }), 'vulnerable'],
    ['a critical advisory', report({ critical: 1, total: 1 }, { pino: { name: 'pino', severity: 'critical' } }), 'vulnerable'],
    // What this machine's registry answers today: the bulk advisory endpoint is not served.
    [
      'the advisory endpoint answering 405',
      JSON.stringify({ message: '405 Method Not Allowed - POST https://registry.example/-/npm/v1/security/advisories/bulk', statusCode: 405, body: '', error: { summary: '', detail: '' } }),
      'unavailable',
    ],
    ['no network', JSON.stringify({ error: { code: 'ENOTFOUND', summary: 'request to https://registry.example failed, reason: getaddrinfo ENOTFOUND', detail: '' } }), 'unavailable'],
    ['no output', '', 'unavailable'],
  ])('%s → %s', (_name, stdout, outcome) => {
    expect(auditVerdict(stdout).outcome).toBe(outcome);
  });

  it('names the failing packages and the counts', () => {
    const verdict = auditVerdict(report({ moderate: 1, high: 1, total: 2 }, { jose: { severity: 'high' }, yaml: { severity: 'moderate' } }));
    expect(verdict.message).toBe(
      'high or critical advisories in production dependencies: jose (high) (info 0, low 0, moderate 1, high 1, critical 0, total 2)',
    );
  });

  it('says why no audit ran', () => {
    expect(auditVerdict(JSON.stringify({ message: '405 Method Not Allowed - POST https://x/bulk' })).message).toBe(
      'npm audit got no report from the advisory service: 405 Method Not Allowed - POST https://x/bulk',
    );
  });
});
