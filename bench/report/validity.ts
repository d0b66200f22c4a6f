/**
 * What makes a measurement unusable for comparison (problems: failed or partial
 * answers while every backend was healthy — the server did less work than the
 * others), and what only qualifies it (notes: the fixed rate was not held,
 * because the server could not answer that fast with that many connections; a closed
 * loop left the server below saturation, so the generator set its throughput).
 * Problems make the run exit non-zero.
 */
import type { Measurement } from '../load/measure.js';
import { HUNG_SCENARIOS } from '../load/scenarios.js';

const HUNG = new Set<string>(HUNG_SCENARIOS);

/** Why a healthy run can be refused: its viewers ask more often than the schema's limits allow. */
export const RATE_LIMITED_HINT =
  " (RATE_LIMITED: some viewers went over the schema's @rateLimit: the server is faster than the viewer count allows for — raise `viewers` in bench/settings.ts)";

/** A server in a closed loop below this share of its core was not the bottleneck. */
export const SATURATED_CPU_PERCENT = 80;

export interface Validity {
  problems: string[];
  notes: string[];
}

export function checkValidity(measurements: readonly Measurement[]): Validity {
  const problems: string[] = [];
  const notes: string[] = [];
  for (const m of measurements) {
    const where = `${m.server} / ${m.scenario} (backends ${m.backendLatencyMs} ms, round ${m.round})`;
    if (!HUNG.has(m.scenario)) {
      if (m.non2xx + m.errors > 0) problems.push(`${where}: ${m.non2xx} non-2xx answers and ${m.errors} socket errors/timeouts`);
      if (m.errorAnswers > 0) {
        const hint = m.firstErrorAnswer?.includes('RATE_LIMITED') === true ? RATE_LIMITED_HINT : '';
        problems.push(`${where}: ${m.errorAnswers} answers carried GraphQL errors${hint}, e.g. ${m.firstErrorAnswer ?? ''}`);
      }
    } else if (m.errors > 0) {
      problems.push(`${where}: ${m.errors} socket errors/timeouts`);
    }
    // A closed loop measures the server only while the server is what limits it: below this
    // share of its core, the load generator (which shares its core with the backends) did.
    if (m.rate === undefined && !HUNG.has(m.scenario) && m.cpuPercent < SATURATED_CPU_PERCENT) {
      notes.push(
        `${where}: ${m.reqPerSec.toFixed(0)} req/s at ${m.cpuPercent.toFixed(0)} % of its core in a closed loop: ` +
          'the load generator, not the server, set that throughput (ratios against it favour the other servers)',
      );
    }
    if (m.rate !== undefined && m.responses < 0.95 * m.rate * m.durationSec) {
      notes.push(
        `${where}: ${m.rate} req/s not held with ${m.connections} connections (${(m.responses / m.durationSec).toFixed(0)} req/s); ` +
          'its latencies include the wait for a free connection',
      );
    }
  }
  return { problems, notes };
}
