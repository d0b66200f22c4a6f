/**
 * What makes a measurement unusable for comparison (problems: failed or partial
 * answers while every backend was healthy — the server did less work than the
 * others), and what only qualifies it (notes: the fixed rate was not held,
 * because the server could not answer that fast with that many connections).
 * Problems make the run exit non-zero.
 */
import type { Measurement } from './measure.js';
import { HUNG_SCENARIOS } from './scenarios.js';

const HUNG = new Set<string>(HUNG_SCENARIOS);

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
      if (m.errorAnswers > 0) problems.push(`${where}: ${m.errorAnswers} answers carried GraphQL errors, e.g. ${m.firstErrorAnswer ?? ''}`);
    } else if (m.errors > 0) {
      problems.push(`${where}: ${m.errors} socket errors/timeouts`);
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
