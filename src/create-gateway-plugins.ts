import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import type { GraphQLSchema } from 'graphql';
import type { YogaServerOptions } from 'graphql-yoga';
import type { Registry } from 'prom-client';
import type { GatewayConfig } from './config/gateway-config.js';
import type { ClientRateLimiter } from './edge/client-rate-limiter.js';
import type { PersistedQueryStore } from './edge/persisted-query-store.js';
import type { RegistrationRateLimiter } from './edge/registration-rate-limiter.js';
import type { GatewayContext } from './gateway-context.js';
import type { ClientLabels } from './observability/client-labels.js';
import type { GatewayMetrics } from './observability/create-gateway-metrics.js';
import type { Logger } from './observability/create-logger.js';
import { useAccessLog } from './plugins/use-access-log.js';
import { useBatchRateLimit } from './plugins/use-batch-rate-limit.js';
import { useCompiledExecution } from './plugins/use-compiled-execution.js';
import { useCompression } from './plugins/use-compression.js';
import { useCsrfExceptGet } from './plugins/use-csrf-except-get.js';
import { useDegradationSummary } from './plugins/use-degradation-summary.js';
import { useDeprecationSignals } from './plugins/use-deprecation-signals.js';
import { useErrorRequestIds } from './plugins/use-error-request-ids.js';
import { useGraphQLMetrics } from './plugins/use-graphql-metrics.js';
import { useHttpCaching } from './plugins/use-http-caching.js';
import { useMinimumClientVersions } from './plugins/use-minimum-client-versions.js';
import { usePartialResponseHeaders } from './plugins/use-partial-response-headers.js';
import { usePersistedQueries } from './plugins/use-persisted-queries.js';
import { useProductionHardening } from './plugins/use-production-hardening.js';
import { usePublicCaching } from './plugins/use-public-caching.js';
import { useQueryLimits } from './plugins/use-query-limits.js';
import { useRequestIdHeader } from './plugins/use-request-id-header.js';
import type { RequestScopeServerContext } from './request-scope.js';
import { useStaleWarnings } from './plugins/use-stale-warnings.js';
import { useStreamedErrorMasking } from './plugins/use-streamed-error-masking.js';

/** What yoga takes as the plugins of the gateway's server and request contexts. */
export type GatewayPlugins = NonNullable<YogaServerOptions<RequestScopeServerContext, GatewayContext>['plugins']>;

export interface GatewayPluginDeps {
  config: GatewayConfig;
  schema: GraphQLSchema;
  logger: Logger;
  registry: Registry;
  metrics: GatewayMetrics;
  clientLabels: ClientLabels;
  clientLimiter: ClientRateLimiter;
  persistedQueries: PersistedQueryStore;
  apqRegistrations: RegistrationRateLimiter;
  compiledExecution: ReturnType<typeof useCompiledExecution>;
}

/**
 * The gateway's yoga plugins, in order. envelop runs each hook in list order on the way in
 * (onRequest, onParse, onValidate, onExecute) and response hooks (onResultProcess,
 * onResponse) in list order too, so the order carries these constraints:
 */
export function createGatewayPlugins(deps: GatewayPluginDeps): GatewayPlugins {
  const { config, schema, logger, registry, metrics, clientLabels } = deps;
  // Every plugin reads the request's scope (request id, viewer, client, deadline) from the
  // server context: the request handler built it once, before yoga saw the request.
  return [
    // 1. First: every response, refusals included, carries the request id.
    useRequestIdHeader(),
    // 2. Before anything can refuse the request: refusals are logged and counted too.
    useAccessLog(logger),
    useGraphQLMetrics(registry, {}, clientLabels),
    // 3. Cheap refusals before parsing work: cross-site forms, the rest of a batch over the
    //    client limit (`handle` counted its first operation), app versions no longer served.
    useCsrfExceptGet(),
    useBatchRateLimit({
      maxBatch: config.limits.maxBatch,
      charge: (scope, requests) => deps.clientLimiter.hit(scope.clientId, requests, scope.rateLimitTier),
      onLimited: () => metrics.rateLimited('client'),
    }),
    useMinimumClientVersions(config.clients.minimumVersions),
    // 4. Query limits before persisted queries: an APQ registration is stored in onExecute,
    //    which a query over the cost limit never reaches (its refusal stops the later
    //    plugins' onExecute), so an over-limit document is never stored.
    useQueryLimits(config.limits),
    ...usePersistedQueries(
      config.persistedQueries.mode,
      {
        store: deps.persistedQueries,
        registrations: deps.apqRegistrations,
        identify: (context) => (context as GatewayContext).clientId,
        onRegistrationLimited: () => metrics.rateLimited('apq_registration'),
      },
      config.persistedQueries.manifest,
    ),
    // 5. Production: no introspection, no suggestions (validation rules, before execution).
    ...(config.production ? useProductionHardening() : []),
    // 6. Execution: @defer/@stream before compiled execution (which leaves operations with
    //    @defer/@stream to the standard executor the defer plugin set up), then masking of
    //    streamed parts (their errors bypass yoga's masking).
    useDeferStream(),
    deps.compiledExecution,
    useStreamedErrorMasking(),
    // 7. What the result says, added to the executed result before it is serialized:
    //    stale warnings and the degradation summary (both from the request's stale tracker
    //    and errors), deprecation signals, request ids on errors.
    useStaleWarnings(),
    useDegradationSummary(),
    useDeprecationSignals({ schema, registry, prefix: config.metricsPrefix, clientLabels }),
    useErrorRequestIds(),
    // 8. HTTP headers from the result (partial → no-store), then caching (ETag on a body
    //    that is final), then compression last: it changes the body the ETag was taken of.
    usePartialResponseHeaders(),
    useHttpCaching(),
    usePublicCaching(schema),
    useCompression(),
  ];
}
