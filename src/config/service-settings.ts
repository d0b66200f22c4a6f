import type { z } from 'zod';
import type { ServiceCatalog } from '../services/service-definition.js';
import { DEFAULT_JITTER } from '../upstream/jitter.js';
import { DEFAULT_RETRY_BUDGET } from '../upstream/retry-budget.js';
import type { BreakerSettings, ServiceSettings } from '../upstream/service-settings.js';
import { DEFAULT_BACKOFF, DEFAULT_BREAKER, type breakerSchema, type ServiceOverride } from './gateway-file.js';

/** What a service falls back to when neither GATEWAY_CONFIG nor its definition says: the environment's values. */
export interface ServiceFallbacks {
  /** The environment, for each service's URL variable (already checked). */
  env: Readonly<Record<string, string | undefined>>;
  timeoutMs: number;
  maxRetries: number;
  halfOpenAfterMs: number;
  /** Where problems are reported, one line each. */
  problems: string[];
}

/**
 * Every backend's settings, in one place and one order of precedence: GATEWAY_CONFIG
 * `services.<name>`, then the service's own defaults (its definition, or its `@source`),
 * then the environment (UPSTREAM_TIMEOUT_MS, …), then the gateway's defaults.
 */
export function resolveServiceSettings<Catalog extends ServiceCatalog>(
  catalog: Catalog,
  overrides: Partial<Record<string, ServiceOverride>>,
  fallback: ServiceFallbacks,
): Record<keyof Catalog & string, ServiceSettings> {
  const services = {} as Record<keyof Catalog & string, ServiceSettings>;
  for (const [name, { urlEnv, defaults }] of Object.entries(catalog) as [keyof Catalog & string, ServiceCatalog[string]][]) {
    const override = overrides[name] ?? {};
    const breaker = override.breaker ?? defaults.breaker ?? DEFAULT_BREAKER;
    const backoff = { ...DEFAULT_BACKOFF, ...override.backoff };
    if (backoff.initialDelayMs > backoff.maxDelayMs) {
      fallback.problems.push(`GATEWAY_CONFIG at services.${name}.backoff: initialDelayMs must not exceed maxDelayMs`);
    }
    if (override.retry?.jitter === 'decorrelated' && backoff.initialDelayMs === 0) {
      // Each decorrelated delay grows from the previous one: from 0 it stays 0.
      fallback.problems.push(`GATEWAY_CONFIG at services.${name}.retry.jitter: "decorrelated" needs backoff.initialDelayMs of at least 1`);
    }
    const timeoutMs = override.timeoutMs ?? defaults.timeoutMs ?? fallback.timeoutMs;
    if (breaker.kind !== 'consecutive' && breaker.slowCallMs !== undefined && breaker.slowCallMs >= timeoutMs) {
      fallback.problems.push(
        `GATEWAY_CONFIG at services.${name}.breaker.slowCallMs: expected less than the service's timeoutMs (${timeoutMs}), got ${breaker.slowCallMs}: no call can be slower than its timeout (it fails as a timeout)`,
      );
    }
    services[name] = {
      url: override.url ?? String(fallback.env[urlEnv]),
      timeoutMs,
      maxBatchSize: override.maxBatchSize ?? defaults.maxBatchSize,
      connections: override.connections ?? defaults.connections,
      retry: {
        maxRetries: override.maxRetries ?? defaults.maxRetries ?? fallback.maxRetries,
        ...backoff,
        jitter: override.retry?.jitter ?? DEFAULT_JITTER,
        budget: { ...DEFAULT_RETRY_BUDGET, ...override.retryBudget },
      },
      breaker: withBreakerDefaults(breaker),
      halfOpenAfterMs: override.halfOpenAfterMs ?? defaults.halfOpenAfterMs ?? fallback.halfOpenAfterMs,
      bulkhead: { ...defaults.bulkhead, ...override.bulkhead },
      cache: override.cache ?? defaults.cache,
    };
  }
  return services;
}

/** A breaker as GATEWAY_CONFIG (or a `@source`) gives it, with the defaults of its kind filled in. */
export function withBreakerDefaults(breaker: z.infer<typeof breakerSchema>): BreakerSettings {
  switch (breaker.kind) {
    case 'consecutive':
      return breaker;
    case 'count':
      return { ...breaker, minimumCalls: breaker.minimumCalls ?? breaker.windowSize };
    case 'sampling':
      return { ...breaker, minimumRps: breaker.minimumRps ?? 1 };
  }
}
