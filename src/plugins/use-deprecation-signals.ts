import type { GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { Counter, type Registry } from 'prom-client';
import { createDeprecatedUsage } from '../edge/deprecated-usage.js';
import type { ClientLabels } from '../observability/client-labels.js';
import { dropSeries } from '../observability/drop-series.js';
import type { GatewayContext } from '../gateway-context.js';

export interface DeprecationSignalsOptions {
  /** The executable schema: its `@deprecated` and `@sunset` directives. */
  schema: GraphQLSchema;
  registry: Registry;
  /** Prefix of the metric family. @default "gateway_" */
  prefix?: string;
  /** The bounded client labels shared with the other request metrics. */
  clientLabels: ClientLabels;
}

/**
 * The REST practice of Deprecation/Sunset headers, for GraphQL: when an operation
 * selects a field, argument, input field or enum value marked `@deprecated`, the
 * response says `Deprecation: true` and, when the schema gives a `@sunset(date:)` beside it,
 * `Sunset: <HTTP date>` (RFC 8594; the earliest one when several apply).
 * `<prefix>deprecated_field_usage_total{field, client_name, client_version}` counts
 * each operation that selected each deprecated coordinate, so a team sees when the
 * last app version using a field is gone. The usage is worked out once per document.
 */
export function useDeprecationSignals(options: DeprecationSignalsOptions): Plugin {
  const { schema, registry, prefix = 'gateway_', clientLabels } = options;
  const usageOf = createDeprecatedUsage(schema);
  const usage = new Counter({
    name: `${prefix}deprecated_field_usage_total`,
    help: 'Operations that selected a deprecated field, argument, input field or enum value (field: its schema coordinate), by the app that sent them.',
    labelNames: ['field', 'client_name', 'client_version'],
    registers: [registry],
  });
  clientLabels.onEvict((pair) => dropSeries([usage], { ...pair }));
  // Per HTTP request: a batch may hold several operations; the earliest sunset wins.
  const signals = new WeakMap<Request, { sunsetAt: number | null }>();
  return {
    onExecute({ args }) {
      const found = usageOf(args.document, args.operationName);
      if (found.coordinates.length === 0) return;
      const context = args.contextValue as unknown as GatewayContext & { request: Request };
      const { request } = context;
      for (const field of found.coordinates) usage.inc({ field, ...context.clientLabels });
      const previous = signals.get(request);
      const sunsetAt =
        previous?.sunsetAt == null ? found.sunsetAt : found.sunsetAt === null ? previous.sunsetAt : Math.min(previous.sunsetAt, found.sunsetAt);
      signals.set(request, { sunsetAt });
    },
    onResponse({ request, response }) {
      const signal = signals.get(request);
      if (signal === undefined) return;
      response.headers.set('deprecation', 'true');
      if (signal.sunsetAt !== null) response.headers.set('sunset', new Date(signal.sunsetAt).toUTCString());
    },
  };
}
