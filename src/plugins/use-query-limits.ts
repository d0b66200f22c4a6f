import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import type { GraphQLArmorRejectCallback } from '@escape.tech/graphql-armor-types';
import { getOperationAST, GraphQLError, Kind, Lexer, parse, Source, TokenKind, type FragmentDefinitionNode, type GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { QueryLimits } from '../edge/query-limits.js';
import { countSelections } from '../edge/count-selections.js';
import { createQueryCost, type QueryCost } from '../edge/query-cost.js';
import { queryTooComplex, type ComplexityKind } from '../errors/client-errors.js';

/**
 * Introspection queries legitimately nest deep; they get their own, looser cap. graphql-js'
 * standard one (`getIntrospectionQuery()`, nine `ofType` levels), which GraphiQL and most
 * tools send, counts 21 here. The depth of a chain of `ofType`s multiplies nothing; the
 * nesting that does (`fields { type { fields … } } }`) is capped by graphql-js' own
 * MaxIntrospectionDepthRule, one of the standard validation rules.
 */
const INTROSPECTION_MAX_DEPTH = 21;

/**
 * Refuses hostile queries before anything runs: tokens at parse time (graphql-js'
 * own `maxTokens`); right after parsing, before validation, the selections a document
 * expands to and the same-field overlaps validation would compare (`countSelections`:
 * linear, where validation is quadratic in them); depth, aliases and directives at
 * validation (graphql-armor's rules); and cost at the start of execution, when
 * variables are known (list sizes come from `first`/`ids`). Every refusal is
 * QUERY_TOO_COMPLEX with HTTP 400: armor's own rejections are HTTP 200 "Syntax Error"
 * with no code.
 */
export function useQueryLimits(limits: QueryLimits): Plugin {
  const armorReject =
    (kind: ComplexityKind, limit: number): GraphQLArmorRejectCallback =>
    (context, error) => {
      const found = /found (\d+)/.exec(error.message);
      context?.reportError(queryTooComplex(kind, limit, found === null ? `more than ${limit}` : Number(found[1])));
    };
  const quiet = { propagateOnRejection: false, exposeLimits: true } as const;
  // One estimator per schema: it reads the schema's `@cost` hints once.
  const costs = new WeakMap<GraphQLSchema, QueryCost>();
  const costOf = (schema: GraphQLSchema): QueryCost => {
    let cost = costs.get(schema);
    if (cost === undefined) {
      cost = createQueryCost(schema, limits);
      costs.set(schema, cost);
    }
    return cost;
  };
  const rules = [
    maxDepthRule({ n: limits.maxDepth, ignoreIntrospection: true, ...quiet, onReject: [armorReject('depth', limits.maxDepth)] }),
    // Armor skips __schema for depth; a deep __schema query is still capped here.
    maxDepthRule({ n: INTROSPECTION_MAX_DEPTH, ignoreIntrospection: false, ...quiet, onReject: [armorReject('depth', INTROSPECTION_MAX_DEPTH)] }),
    maxAliasesRule({ n: limits.maxAliases, ...quiet, onReject: [armorReject('aliases', limits.maxAliases)] }),
    maxDirectivesRule({ n: limits.maxDirectives, ...quiet, onReject: [armorReject('directives', limits.maxDirectives)] }),
  ];

  return {
    onParse({ setParseFn }) {
      setParseFn((source, options) => parse(source, { ...options, maxTokens: limits.maxTokens }));
      return ({ result, replaceParseResult }) => {
        if (result instanceof GraphQLError && /tokens/.test(result.message) && result.source !== undefined) {
          replaceParseResult(queryTooComplex('tokens', limits.maxTokens, countTokens(result.source)));
          return;
        }
        if (result instanceof Error || result === null) return;
        // Here, not in a validation rule: rules run side by side, so the expensive one
        // would already have run by the time a rule of ours refused the document.
        const counts = countSelections(result, limits.maxSelections);
        if (counts.selections > limits.maxSelections) {
          replaceParseResult(queryTooComplex('selections', limits.maxSelections, `more than ${limits.maxSelections}`));
        } else if (counts.overlaps > limits.maxOverlaps) {
          replaceParseResult(queryTooComplex('overlaps', limits.maxOverlaps, counts.overlaps));
        }
      };
    },
    onValidate({ addValidationRule }) {
      for (const rule of rules) addValidationRule(rule);
    },
    onExecute({ args, setResultAndStopExecution }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (operation === null || operation === undefined) return;
      const fragments: Record<string, FragmentDefinitionNode> = {};
      for (const definition of args.document.definitions) {
        if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
      }
      const cost = costOf(args.schema)(operation, fragments, args.variableValues ?? {});
      if (cost > limits.maxCost) setResultAndStopExecution({ errors: [queryTooComplex('cost', limits.maxCost, cost)] });
    },
  };
}

// Private:

/** Only on the refusal path: how many tokens the document really has (bounded by the body limit). */
function countTokens(source: Source | string): number {
  const lexer = new Lexer(typeof source === 'string' ? new Source(source) : source);
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) count += 1;
  } catch {
    // A lexical error further on: the count so far is what the document has.
  }
  return count;
}
