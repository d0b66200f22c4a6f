import { createCounter, createHistogram, usePrometheus, type CounterAndLabels, type FillLabelsFnParams } from '@envelop/prometheus';
import type { Plugin } from 'graphql-yoga';
import type { Registry } from 'prom-client';
import { createOperationNameBound, type OperationNameBoundOptions } from '../observability/bounded-operation-name.js';
import type { ClientLabels } from '../observability/client-labels.js';
import { scopeOf } from '../request-scope.js';
import { dropSeries, type Metric } from '../observability/drop-series.js';

const PHASE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * @envelop/prometheus for GraphQL requests, phases and errors, on the gateway's own
 * registry, labelled by a bounded operation name and the operation type. The `path`
 * label of the error metric is left out: one series per field path would explode.
 * The two counters also say which app sent the operation (`client_name`,
 * `client_version`, bounded by `clientLabels`); the histograms do not, or their
 * buckets would multiply by every app version in the field.
 */
export function useGraphQLMetrics(
  registry: Registry,
  nameBound: Omit<OperationNameBoundOptions, 'onEvict'>,
  /** The bound the request scopes took their labels from: its evicted pairs lose their series. */
  clientLabels: ClientLabels,
): Plugin {
  // Filled below, once the metrics exist; a name is evicted only on a later request.
  const metrics: Metric<string>[] = [];
  const counters: Metric<string>[] = [];
  const bound = createOperationNameBound({ ...nameBound, onEvict: (name) => dropSeries(metrics, { operation_name: name }) });
  clientLabels.onEvict((pair) => dropSeries(counters, { ...pair }));
  // @envelop/prometheus hands every phase of a request the same params object (made once,
  // at parse): its labels are made once per request, not once per metric and phase, and
  // the operation name is bounded (which also marks it used) once.
  const labels = oncePerParams((params) => ({
    operation_name: bound(params.operationName),
    operation_type: params.operationType ?? 'unknown',
  }));
  // The raw context is yoga's: it carries the server context's request scope, in every phase.
  const withClient = oncePerParams((params, context) => ({
    ...labels(params, context),
    ...scopeOf(context).clientLabels,
  }));
  const histogram = <Phase extends string>(name: string, help: string) => {
    const created = createHistogram<Phase, 'operation_name' | 'operation_type'>({
      registry,
      histogram: { name, help, labelNames: ['operation_name', 'operation_type'], buckets: PHASE_BUCKETS },
      fillLabelsFn: labels,
    });
    metrics.push(created.histogram);
    return created;
  };
  const counter = <Phase extends string, Extra extends string = never>(created: CounterAndLabels<Phase, 'operation_name' | 'operation_type' | Extra, FillLabelsFnParams>) => {
    metrics.push(created.counter);
    counters.push(created.counter);
    return created;
  };

  return usePrometheus({
    registry,
    skipIntrospection: true,
    metrics: {
      graphql_envelop_request: counter(createCounter({
        registry,
        counter: {
          name: 'graphql_envelop_request_total',
          help: 'GraphQL operations executed, by operation and by the app that sent them.',
          labelNames: ['operation_name', 'operation_type', 'client_name', 'client_version'],
        },
        fillLabelsFn: withClient,
      })),
      graphql_envelop_request_duration: histogram<'execute' | 'subscribe'>('graphql_envelop_request_duration', 'Duration of GraphQL operations, in seconds.'),
      graphql_envelop_phase_parse: histogram<'parse'>('graphql_envelop_phase_parse', 'Time spent parsing GraphQL operations, in seconds.'),
      graphql_envelop_phase_validate: histogram<'validate'>('graphql_envelop_phase_validate', 'Time spent validating GraphQL operations, in seconds.'),
      graphql_envelop_phase_execute: histogram<'execute'>('graphql_envelop_phase_execute', 'Time spent executing GraphQL operations, in seconds.'),
      graphql_envelop_error_result: counter(createCounter({
        registry,
        counter: {
          name: 'graphql_envelop_error_result_total',
          help: 'GraphQL errors in results, by operation, phase and the app that sent the operation.',
          labelNames: ['operation_name', 'operation_type', 'phase', 'client_name', 'client_version'],
        },
        fillLabelsFn: (params, context) => ({ ...withClient(params, context), phase: params.errorPhase ?? 'unknown' }),
      })),
    },
  }) as Plugin;
}

// Private:

/** `make`, remembered for each params object (a request's, shared by its phases). */
function oncePerParams<T extends object>(make: (params: FillLabelsFnParams, context: unknown) => T): (params: FillLabelsFnParams, context: unknown) => T {
  const made = new WeakMap<FillLabelsFnParams, T>();
  return (params, context) => {
    let value = made.get(params);
    if (value === undefined) {
      value = make(params, context);
      made.set(params, value);
    }
    return value;
  };
}
