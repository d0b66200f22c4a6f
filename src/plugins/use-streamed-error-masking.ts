import type { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../gateway-context.js';
import { maskError } from '../errors/mask-error.js';

interface StreamedPayload {
  errors?: readonly GraphQLError[];
  incremental?: readonly { errors?: readonly GraphQLError[] }[];
}

/**
 * yoga masks the errors of a single result, but not those inside the later parts of a
 * streamed (@defer) result: without this, a deferred field that failed would reach the
 * app with the raw internal message and none of the contract's extensions.
 */
export function useStreamedErrorMasking(): Plugin<GatewayContext> {
  return {
    onExecute({ args }) {
      const { requestId } = args.contextValue as GatewayContext;
      const mask = (errors: readonly GraphQLError[]) =>
        errors.map((error) => {
          const masked = maskError(error, 'Unexpected error.') as GraphQLError;
          return masked.extensions?.code === 'INTERNAL_SERVER_ERROR'
            ? Object.assign(masked, { extensions: { ...masked.extensions, requestId } })
            : masked;
        });
      return {
        onExecuteDone() {
          return {
            onNext({ result, setResult }) {
              const payload = result as StreamedPayload;
              if (payload.errors === undefined && payload.incremental?.some((part) => part.errors !== undefined) !== true) return;
              setResult({
                ...result,
                ...(payload.errors === undefined ? {} : { errors: mask(payload.errors) }),
                ...(payload.incremental === undefined
                  ? {}
                  : { incremental: payload.incremental.map((part) => (part.errors === undefined ? part : { ...part, errors: mask(part.errors) })) }),
              } as typeof result);
            },
          };
        },
      };
    },
  };
}
