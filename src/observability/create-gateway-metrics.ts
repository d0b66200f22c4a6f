import type { RetryPolicy } from 'cockatiel';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { CacheObserver } from '../cache/create-tiered-cache.js';
import { STANDARD_REASONS, type ExecutedAs, type StandardReason } from '../execution/compile-operation.js';
import { breakerStateName, type BreakerStateName } from '../upstream/breaker-state-name.js';
import type { RejectionKind, ServicePolicy } from '../upstream/create-service-policy.js';
import { isUpstreamError, type UpstreamErrorKind } from '../upstream/upstream-error.js';
import type { AttemptEvent, UpstreamObserver } from '../upstream/upstream-observer.js';

export interface GatewayMetricsOptions {
  registry: Registry;
  /** Prefix of the gateway's own families. @default "gateway_" */
  prefix: string;
  /** Every configured backend: each family has its series at zero from start-up. */
  services: readonly string[];
}

/** The gateway's own metric families (ARCHITECTURE.md, "Observability"). */
export interface GatewayMetrics {
  /** Feeds upstream attempts and DataLoader batches into the metrics. */
  readonly upstream: Required<UpstreamObserver>;
  /** Feeds cache lookups and Redis errors into the metrics. */
  readonly cache: Required<CacheObserver>;
  /** Subscribes to a service policy's breaker, retry and rejection events. */
  observePolicy(policy: ServicePolicy): void;
  /** A request, field or APQ registration refused by a rate limit. */
  rateLimited(scope: RateLimitScope): void;
  /** An operation executed: `compiled` by graphql-jit, or on the standard executor for that reason. */
  executed(how: ExecutedAs): void;
  /** Where `<prefix>compiled_operations` reads how many compiled operations are kept. */
  observeCompiledOperations(count: () => number): void;
}

/** `apq_registration`: an APQ registration not stored (the query still ran). */
export type RateLimitScope = 'field' | 'client' | 'apq_registration';

const BREAKER_STATES: readonly BreakerStateName[] = ['closed', 'open', 'half_open'];
const STATE_VALUE: Record<BreakerStateName, number> = { closed: 0, open: 1, half_open: 2, isolated: 1 };
/** Bounded values of `exception_type`. */
const EXCEPTION_TYPES = ['network', 'timeout', 'http_5xx', 'bad_body', 'other'] as const;
/** Bounded values of `outcome` on external requests: the status class, or why there was none. */
const EXTERNAL_OUTCOMES = ['2xx', '3xx', '4xx', '5xx', 'network_error', 'timeout', 'cancelled', 'bad_body'] as const;
type ExternalOutcome = (typeof EXTERNAL_OUTCOMES)[number];
/**
 * The (status, outcome) pairs an attempt can produce, present at zero from start-up:
 * a success is a 2xx or an expected 4xx (404, 409, 410); anything else is a failure.
 */
const EXTERNAL_SERIES: Record<'success' | 'failure', readonly ExternalOutcome[]> = {
  success: ['2xx', '4xx'],
  failure: ['3xx', '4xx', '5xx', 'network_error', 'timeout', 'cancelled', 'bad_body'],
};
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const BATCH_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200];

/**
 * Registers the gateway's families on the given registry (one per gateway instance,
 * never the global one) with every series present at zero, so alerts and dashboards
 * never see gaps. Labels are few and bounded: service, status, outcome, tier, result.
 */
export function createGatewayMetrics(options: GatewayMetricsOptions): GatewayMetrics {
  const { registry, prefix, services } = options;
  const registers = [registry];

  const breakerState = new Gauge({
    name: `${prefix}circuit_breaker_state`,
    help: 'Circuit breaker state per backend: 0 closed, 1 open, 2 half-open.',
    labelNames: ['service'],
    registers,
  });
  const consecutiveFailures = new Gauge({
    name: `${prefix}circuit_breaker_consecutive_failures`,
    help: 'Failed calls in a row per backend, as the breaker counts them (reset by a success).',
    labelNames: ['service'],
    registers,
  });
  const lastStateChange = new Gauge({
    name: `${prefix}circuit_breaker_last_state_change_timestamp_seconds`,
    help: 'Unix time of the last breaker state change (start-up time until the first change).',
    labelNames: ['service'],
    registers,
  });
  const breakerRequests = new Counter({
    name: `${prefix}circuit_breaker_requests_total`,
    help: 'Calls through the breaker by outcome: success, failure (counted by the breaker), rejected (not sent: open or bulkhead full).',
    labelNames: ['service', 'status'],
    registers,
  });
  const breakerFailures = new Counter({
    name: `${prefix}circuit_breaker_failures_total`,
    help: 'Failures the breaker counted, by kind.',
    labelNames: ['service', 'exception_type'],
    registers,
  });
  const transitions = new Counter({
    name: `${prefix}circuit_breaker_state_transitions_total`,
    help: 'Breaker state transitions.',
    labelNames: ['service', 'from_state', 'to_state'],
    registers,
  });
  const slowCalls = new Counter({
    name: `${prefix}circuit_breaker_slow_calls_total`,
    help: 'Calls through the breaker slower than its slowCallMs (counted only when slowCallMs is set); they may still have succeeded.',
    labelNames: ['service'],
    registers,
  });
  const callDuration = new Histogram({
    name: `${prefix}circuit_breaker_call_duration_seconds`,
    help: 'Duration of calls that went through the breaker (rejections excluded).',
    labelNames: ['service'],
    buckets: DURATION_BUCKETS,
    registers,
  });
  const externalRequests = new Counter({
    name: `${prefix}external_request_total`,
    help: 'HTTP attempts to backends: status success or failure (cancelled ones included), outcome the status class or network_error, timeout, cancelled, bad_body.',
    labelNames: ['service', 'status', 'outcome'],
    registers,
  });
  const externalErrors = new Counter({
    name: `${prefix}external_request_errors_total`,
    help: 'HTTP attempts to backends that failed (network, timeout, 5xx, unexpected 4xx, bad body); cancelled ones excluded.',
    labelNames: ['service'],
    registers,
  });
  const externalDuration = new Histogram({
    name: `${prefix}external_request_duration_seconds`,
    help: 'Duration of HTTP attempts to backends, by result success or failure (as the status of external_request_total).',
    labelNames: ['service', 'result'],
    buckets: DURATION_BUCKETS,
    registers,
  });
  const retries = new Counter({
    name: `${prefix}retry_total`,
    help: 'Retries by backend and retry number (1 = first retry).',
    labelNames: ['service', 'attempt'],
    registers,
  });
  const retryBudgetExhausted = new Counter({
    name: `${prefix}retry_budget_exhausted_total`,
    help: 'Retries not made because the backend\'s retry budget was spent (the call failed with its last failure).',
    labelNames: ['service'],
    registers,
  });
  const cacheRequests = new Counter({
    name: `${prefix}cache_requests_total`,
    help: 'Cache lookups by tier (l1 memory, l2 redis) and result.',
    labelNames: ['tier', 'result'],
    registers,
  });
  const redisErrors = new Counter({
    name: `${prefix}cache_redis_errors_total`,
    help: 'Redis errors and timeouts (a Redis set reports success even when Redis is down: this is the truth).',
    registers,
  });
  const batchSize = new Histogram({
    name: `${prefix}dataloader_batch_size`,
    help: 'Ids per DataLoader batch call, by backend.',
    labelNames: ['service'],
    buckets: BATCH_BUCKETS,
    registers,
  });
  const rateLimited = new Counter({
    name: `${prefix}rate_limited_total`,
    help: 'Requests, fields or APQ registrations refused by a rate limit, by scope (field, client, apq_registration).',
    labelNames: ['scope'],
    registers,
  });

  const executions = new Counter({
    name: `${prefix}execution_total`,
    help: 'Operations executed, by executor: jit (compiled by graphql-jit, reason compiled) or standard (reason configured, subscription, incremental, not_compilable, not_yet_compiled, invalid_variables).',
    labelNames: ['executor', 'reason'],
    registers,
  });
  let compiledCount: () => number = () => 0;
  new Gauge({
    name: `${prefix}compiled_operations`,
    help: 'Compiled operations kept in the bounded cache (refusals included), at most GATEWAY_CONFIG execution.maxCompiledOperations.',
    registers,
    collect() {
      this.set(compiledCount());
    },
  });

  /** Every outcome's child for one (service, status); a child is no series until it is incremented. */
  function externalChildren(service: string, status: 'success' | 'failure'): Record<ExternalOutcome, Counter.Internal> {
    return Object.fromEntries(EXTERNAL_OUTCOMES.map((outcome) => [outcome, externalRequests.labels(service, status, outcome)])) as Record<
      ExternalOutcome,
      Counter.Internal
    >;
  }

  // Children per service, built once: no label objects on the hot path.
  const perService = new Map(
    services.map((service) => [
      service,
      {
        success: breakerRequests.labels(service, 'success'),
        failure: breakerRequests.labels(service, 'failure'),
        rejected: breakerRequests.labels(service, 'rejected'),
        external: {
          success: externalChildren(service, 'success'),
          failure: externalChildren(service, 'failure'),
        },
        errors: externalErrors.labels(service),
        durationOk: externalDuration.labels(service, 'success'),
        durationFailed: externalDuration.labels(service, 'failure'),
        batch: batchSize.labels(service),
        callDuration: callDuration.labels(service),
        retryBudgetExhausted: retryBudgetExhausted.labels(service),
        slow: slowCalls.labels(service),
      },
    ]),
  );

  const startedAt = Date.now() / 1000;
  for (const service of services) {
    breakerState.labels(service).set(0);
    consecutiveFailures.labels(service).set(0);
    lastStateChange.labels(service).set(startedAt);
    for (const status of ['success', 'failure', 'rejected']) breakerRequests.labels(service, status).inc(0);
    for (const type of EXCEPTION_TYPES) breakerFailures.labels(service, type).inc(0);
    for (const from of BREAKER_STATES) {
      for (const to of BREAKER_STATES) if (from !== to) transitions.labels(service, from, to).inc(0);
    }
    callDuration.zero({ service });
    for (const status of ['success', 'failure'] as const) {
      for (const outcome of EXTERNAL_SERIES[status]) externalRequests.labels(service, status, outcome).inc(0);
    }
    slowCalls.labels(service).inc(0);
    externalErrors.labels(service).inc(0);
    externalDuration.zero({ service, result: 'success' });
    externalDuration.zero({ service, result: 'failure' });
    retries.labels(service, '1').inc(0);
    retryBudgetExhausted.labels(service).inc(0);
    batchSize.zero({ service });
  }
  for (const tier of ['l1', 'l2']) for (const result of ['hit', 'miss']) cacheRequests.labels(tier, result).inc(0);
  redisErrors.inc(0);
  for (const scope of ['field', 'client', 'apq_registration']) rateLimited.labels(scope).inc(0);
  const compiledExecutions = executions.labels('jit', 'compiled');
  const standardExecutions = Object.fromEntries(STANDARD_REASONS.map((reason) => [reason, executions.labels('standard', reason)])) as Record<
    StandardReason,
    Counter.Internal
  >;
  compiledExecutions.inc(0);
  for (const child of Object.values(standardExecutions)) child.inc(0);

  const cacheChildren = {
    l1: { hit: cacheRequests.labels('l1', 'hit'), miss: cacheRequests.labels('l1', 'miss') },
    l2: { hit: cacheRequests.labels('l2', 'hit'), miss: cacheRequests.labels('l2', 'miss') },
  };

  function observePolicyBreaker(policy: ServicePolicy): void {
    const { service, breaker } = policy;
    let previous: BreakerStateName = 'closed';
    breaker.onStateChange((state) => {
      // Isolated (by hand) refuses calls as open does; the state label keeps its three values.
      const named = breakerStateName(state);
      const next = named === 'isolated' ? 'open' : named;
      breakerState.labels(service).set(STATE_VALUE[next]);
      lastStateChange.labels(service).set(Date.now() / 1000);
      transitions.labels(service, previous, next).inc();
      previous = next;
    });
    const children = perService.get(service)!;
    breaker.onSuccess(({ duration }) => {
      children.success.inc();
      children.callDuration.observe(duration / 1000);
      // Counted once, by the policy (its listeners run first): the gauge shows its count.
      consecutiveFailures.labels(service).set(policy.consecutiveFailures());
    });
    breaker.onFailure(({ duration, handled, reason }) => {
      // Errors the breaker does not count (4xx, cancelled) are neither success nor failure.
      if (!handled) return;
      children.failure.inc();
      children.callDuration.observe(duration / 1000);
      consecutiveFailures.labels(service).set(policy.consecutiveFailures());
      breakerFailures.labels(service, exceptionType('error' in reason ? reason.error : undefined)).inc();
    });
    breaker.onSlowCall(() => children.slow.inc());
  }

  function observeRetry(service: string, retry: RetryPolicy): void {
    retry.onRetry(({ attempt }) => retries.labels(service, String(attempt)).inc());
  }

  return {
    upstream: {
      attempt(event: AttemptEvent) {
        const children = perService.get(event.service);
        if (children === undefined) return;
        children.external[event.outcome][externalOutcome(event)].inc();
        if (event.outcome === 'failure' && event.cancelled !== true) children.errors.inc();
        (event.outcome === 'success' ? children.durationOk : children.durationFailed).observe(event.durationMs / 1000);
      },
      batch(service, size) {
        perService.get(service)?.batch.observe(size);
      },
    },
    cache: {
      lookup(tier, result, count) {
        cacheChildren[tier][result].inc(count);
      },
      redisError() {
        redisErrors.inc();
      },
    },
    observePolicy(policy) {
      observePolicyBreaker(policy);
      observeRetry(policy.service, policy.retry);
      policy.onRejected((_kind: RejectionKind) => perService.get(policy.service)?.rejected.inc());
      policy.onRetryBudgetExhausted(() => perService.get(policy.service)?.retryBudgetExhausted.inc());
    },
    rateLimited(scope) {
      rateLimited.labels(scope).inc();
    },
    executed(how) {
      (how === 'compiled' ? compiledExecutions : standardExecutions[how]).inc();
    },
    observeCompiledOperations(count) {
      compiledCount = count;
    },
  };
}

// Private:


function exceptionType(error: unknown): (typeof EXCEPTION_TYPES)[number] {
  if (!isUpstreamError(error)) return 'other';
  const kinds: Partial<Record<UpstreamErrorKind, (typeof EXCEPTION_TYPES)[number]>> = {
    network: 'network',
    timeout: 'timeout',
    bad_body: 'bad_body',
  };
  if (error.kind === 'status') return error.status !== undefined && error.status >= 500 ? 'http_5xx' : 'other';
  return kinds[error.kind] ?? 'other';
}

function externalOutcome(event: AttemptEvent): ExternalOutcome {
  if (event.cancelled === true) return 'cancelled';
  if (event.kind === 'network') return 'network_error';
  if (event.kind === 'timeout') return 'timeout';
  if (event.kind === 'bad_body' && event.status === undefined) return 'bad_body';
  const status = event.status ?? 0;
  if (status >= 500) return '5xx';
  if (status >= 400) return '4xx';
  if (status >= 300) return '3xx';
  if (event.kind === 'bad_body') return 'bad_body';
  return '2xx';
}
