import { createCounter, createHistogram, usePrometheus, type CounterAndLabels, type FillLabelsFnParams } from '@envelop/prometheus';
import type { Plugin } from 'graphql-yoga';
import type { Counter, Histogram, Registry } from 'prom-client';
import { createOperationNameBound, type OperationNameBoundOptions } from '../observability/bounded-operation-name.js';

type Metric<L extends string> = Counter<L> | Histogram<L>;

const PHASE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * @envelop/prometheus for GraphQL requests, phases and errors, on the gateway's own
 * registry, labelled by a bounded operation name and the operation type. The `path`
 * label of the error metric is left out: one series per field path would explode.
 */
export function useGraphQLMetrics(registry: Registry, nameBound: Omit<OperationNameBoundOptions, 'onEvict'> = {}): Plugin {
  // Filled below, once the metrics exist; a name is evicted only on a later request.
  const metrics: Metric<string>[] = [];
  const bound = createOperationNameBound({ ...nameBound, onEvict: (name) => dropSeries(metrics, name) });
  const labels = (params: FillLabelsFnParams) => ({
    operation_name: bound(params.operationName),
    operation_type: params.operationType ?? 'unknown',
  });
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
          help: 'GraphQL operations executed, by operation.',
          labelNames: ['operation_name', 'operation_type'],
        },
        fillLabelsFn: labels,
      })),
      graphql_envelop_request_duration: histogram<'execute' | 'subscribe'>('graphql_envelop_request_duration', 'Duration of GraphQL operations, in seconds.'),
      graphql_envelop_phase_parse: histogram<'parse'>('graphql_envelop_phase_parse', 'Time spent parsing GraphQL operations, in seconds.'),
      graphql_envelop_phase_validate: histogram<'validate'>('graphql_envelop_phase_validate', 'Time spent validating GraphQL operations, in seconds.'),
      graphql_envelop_phase_execute: histogram<'execute'>('graphql_envelop_phase_execute', 'Time spent executing GraphQL operations, in seconds.'),
      graphql_envelop_error_result: counter(createCounter({
        registry,
        counter: {
          name: 'graphql_envelop_error_result_total',
          help: 'GraphQL errors in results, by operation and phase.',
          labelNames: ['operation_name', 'operation_type', 'phase'],
        },
        fillLabelsFn: (params) => ({ ...labels(params), phase: params.errorPhase ?? 'unknown' }),
      })),
    },
  }) as Plugin;
}

// Private:

/** Removes every series labelled with an evicted operation name (a histogram's buckets go with it). */
function dropSeries(metrics: readonly Metric<string>[], operationName: string): void {
  for (const metric of metrics) {
    void metric.get().then(({ values }) => {
      const seen = new Set<string>();
      for (const { labels } of values) {
        if (labels.operation_name !== operationName) continue;
        const { le: _bucket, ...series } = labels as Record<string, string | number>;
        const key = JSON.stringify(series);
        if (seen.has(key)) continue;
        seen.add(key);
        metric.remove(series);
      }
    });
  }
}
