import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';
import { isAsyncIterable } from '@envelop/core';
import { GraphQLError, NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** graphql-js appends this to enum, input-field and argument errors, naming schema members. */
const SUGGESTION = / ?Did you mean [^?]*\?$/;

/**
 * What production hides from strangers: introspection (the schema is not a public
 * document) and "Did you mean …" suggestions (which leak it member by member). Armor's
 * plugin masks field suggestions at validation; enum values and input fields are
 * suggested again when variables are coerced, at execution, so both phases are cleaned.
 */
export function useProductionHardening(): Plugin[] {
  return [
    {
      onValidate({ addValidationRule }) {
        addValidationRule(NoSchemaIntrospectionCustomRule);
        return ({ result, setResult }) => {
          if (result.some((error) => SUGGESTION.test(error.message))) setResult(result.map(withoutSuggestion));
        };
      },
      onExecute() {
        return {
          onExecuteDone({ result, setResult }) {
            // Variable coercion fails before anything streams, so a stream has nothing to clean.
            if (isAsyncIterable(result) || result.errors === undefined) return;
            if (result.errors.some((error) => SUGGESTION.test(error.message))) {
              setResult({ ...result, errors: result.errors.map(withoutSuggestion) });
            }
          },
        };
      },
    },
    blockFieldSuggestionsPlugin({ mask: '' }) as Plugin,
  ];
}

// Private:

function withoutSuggestion<E extends Error>(error: E): E | GraphQLError {
  if (!(error instanceof GraphQLError) || !SUGGESTION.test(error.message)) return error;
  return new GraphQLError(error.message.replace(SUGGESTION, ''), {
    nodes: error.nodes ?? null,
    source: error.source ?? null,
    positions: error.positions ?? null,
    path: error.path ?? null,
    originalError: error.originalError ?? null,
    extensions: error.extensions,
  });
}
