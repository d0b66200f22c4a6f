import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import type { Plugin } from 'graphql-yoga';
import { crossSiteFormRefused } from '../errors/client-errors.js';

/**
 * Cross-site form posts (urlencoded, multipart, text/plain: no CORS preflight) are refused
 * with 403 FORBIDDEN. GET stays open: it cannot run mutations, and bearer tokens are never
 * sent cross-site.
 */
export function useCsrfExceptGet(): Plugin {
  const csrf = useCSRFPrevention();
  return {
    onRequestParse(payload) {
      if (payload.request.method === 'GET') return;
      try {
        return csrf.onRequestParse?.(payload);
      } catch {
        throw crossSiteFormRefused();
      }
    },
  };
}
