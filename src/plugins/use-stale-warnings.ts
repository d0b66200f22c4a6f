import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../gateway-context.js';

/**
 * Adds `extensions.warnings: [{ code: "STALE_DATA", service, path, ageSeconds }]` to a
 * result when the cache stood in for a failed backend, so the app can show the data
 * and know it may be old.
 */
export function useStaleWarnings(): Plugin<GatewayContext> {
  return {
    onExecute({ args }) {
      const { stale } = args.contextValue as GatewayContext;
      return {
        onExecuteDone({ result, setResult }) {
          if (stale.warnings.length === 0 || Symbol.asyncIterator in result) return;
          setResult({ ...result, extensions: { ...result.extensions, warnings: stale.warnings } });
        },
      };
    },
  };
}
