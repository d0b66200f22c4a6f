/**
 * Keeps the comparison fair: before a server is measured on a scenario for the
 * first time, the same requests are sent to it once and its `data` must equal
 * the gateway's (keys in any order). The gateway's answers are the reference,
 * and must themselves be complete (no errors) except where a backend is hung on
 * purpose.
 */
import type { BenchRequest, Scenario, ScenarioId } from './scenarios.js';

export class ResponseMismatchError extends Error {
  override name = 'ResponseMismatchError';
}

interface GraphQLBody {
  data?: unknown;
  errors?: { path?: unknown[]; extensions?: { code?: unknown } }[];
}

/** JSON with object keys sorted, so two answers compare equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

async function send(origin: string, request: BenchRequest): Promise<{ status: number; body: GraphQLBody }> {
  const response = await fetch(`${origin}${request.path}`, {
    method: request.method,
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) as GraphQLBody };
  } catch {
    throw new ResponseMismatchError(`HTTP ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
}

/** Where two JSON values first differ, for the error message. */
function firstDifference(expected: unknown, actual: unknown, path = '$'): string {
  if (canonicalJson(expected) === canonicalJson(actual)) return '';
  if (expected !== null && actual !== null && typeof expected === 'object' && typeof actual === 'object') {
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    for (const key of keys) {
      const found = firstDifference((expected as Record<string, unknown>)[key], (actual as Record<string, unknown>)[key], `${path}.${key}`);
      if (found !== '') return found;
    }
  }
  return `${path}: expected ${JSON.stringify(expected)?.slice(0, 200)}, got ${JSON.stringify(actual)?.slice(0, 200)}`;
}

export class ResponseChecker {
  /** Canonical `data` of the gateway, per scenario, per request index. */
  private readonly reference = new Map<ScenarioId, string[]>();
  private readonly checked = new Set<string>();

  /** True once `server` passed `scenario` (checks run once per server and scenario). */
  isChecked(server: string, scenario: ScenarioId): boolean {
    return this.checked.has(`${server}/${scenario}`);
  }

  /** Records the reference server's answers; throws if they are not complete answers. */
  async recordReference(server: string, origin: string, scenario: Scenario): Promise<void> {
    const answers = await Promise.all(this.sample(scenario).map((request) => send(origin, request)));
    const canonical = answers.map(({ status, body }, index) => {
      this.expectShape(server, scenario, index, status, body);
      return canonicalJson(body.data);
    });
    this.reference.set(scenario.id, canonical);
    this.checked.add(`${server}/${scenario.id}`);
  }

  /** Compares `server`'s answers with the reference; throws ResponseMismatchError on the first difference. */
  async compare(server: string, origin: string, scenario: Scenario): Promise<void> {
    const reference = this.reference.get(scenario.id);
    if (reference === undefined) throw new Error(`no reference answers for ${scenario.id}: the gateway must be checked first`);
    const answers = await Promise.all(this.sample(scenario).map((request) => send(origin, request)));
    answers.forEach(({ status, body }, index) => {
      this.expectShape(server, scenario, index, status, body);
      if (canonicalJson(body.data) !== reference[index]) {
        throw new ResponseMismatchError(
          `${server} answers ${scenario.id} request #${index} differently from the gateway: ` +
            firstDifference(JSON.parse(reference[index]!), body.data),
        );
      }
    });
    this.checked.add(`${server}/${scenario.id}`);
  }

  private sample(scenario: Scenario): BenchRequest[] {
    return scenario.requests.slice(0, scenario.checkCount);
  }

  private expectShape(server: string, scenario: Scenario, index: number, status: number, body: GraphQLBody): void {
    const where = `${server} ${scenario.id} request #${index}`;
    if (status !== 200) throw new ResponseMismatchError(`${where}: HTTP ${status} ${JSON.stringify(body).slice(0, 300)}`);
    if (body.data === null || body.data === undefined) throw new ResponseMismatchError(`${where}: no data ${JSON.stringify(body).slice(0, 300)}`);
    const errors = body.errors ?? [];
    if (!scenario.recommendationsHung) {
      if (errors.length > 0) throw new ResponseMismatchError(`${where}: unexpected errors ${JSON.stringify(errors).slice(0, 300)}`);
      return;
    }
    // Hung recommendations: that field, and only that one, must have failed.
    const data = body.data as { recommendations?: unknown };
    const onlyRecommendations = errors.length > 0 && errors.every((e) => Array.isArray(e.path) && e.path[0] === 'recommendations');
    if (data.recommendations !== null || !onlyRecommendations) {
      throw new ResponseMismatchError(`${where}: expected recommendations null with an error on it, got ${JSON.stringify(body).slice(0, 300)}`);
    }
  }
}
