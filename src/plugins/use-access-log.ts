import { getOperationAST, type GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../gateway-context.js';
import type { Logger } from '../observability/create-logger.js';
import { isUnexpectedError } from '../errors/mask-error.js';
import { isUpstreamError } from '../upstream/upstream-error.js';
import { scopeOf, type RequestScopeServerContext } from '../request-scope.js';

interface RequestRecord {
  started: number;
  operationName: string | null;
  errors: number;
}

/**
 * One access line per GraphQL request (method, path, operation, status, duration,
 * request id, viewer or why its token was refused, the app's sanitized name and version, number of errors), and an
 * error line for every backend failure that reached the client, with what the client
 * never sees (status, kind).
 */
export function useAccessLog(logger: Logger): Plugin<GatewayContext & RequestScopeServerContext> {
  const records = new WeakMap<Request, RequestRecord>();
  // The access line's fields are set here and hold no secret (no header, no token), so it
  // skips the logger's redaction: its wildcard paths (`*.headers.authorization`) ran the
  // redactor over each of the line's ~11 fields, ~13 KB of garbage on every request.
  const accessLine = logger.child({}, { redact: [] });
  return {
    onRequest({ request }) {
      records.set(request, { started: performance.now(), operationName: null, errors: 0 });
    },
    onParams({ request, params }) {
      const record = records.get(request);
      if (record !== undefined) record.operationName = params.operationName ?? null;
    },
    onExecute({ args }) {
      const context = args.contextValue as GatewayContext & { request: Request };
      const record = records.get(context.request);
      if (record !== undefined) {
        // The name in the document when the client sent none beside it.
        record.operationName ??= getOperationAST(args.document, args.operationName)?.name?.value ?? null;
      }
      const logErrors = (errors: readonly GraphQLError[]) => {
        for (const error of errors) {
          const original = error.originalError;
          if (isUpstreamError(original)) {
            context.logger.error(
              {
                service: original.service,
                kind: original.kind,
                status: original.status,
                cancelled: original.cancelled || undefined,
                path: error.path,
                reason: original.message,
              },
              'upstream failure reached the client',
            );
          } else if (isUnexpectedError(error)) {
            // The client gets "Unexpected error." and this request id; the details are here.
            context.logger.error({ err: original, path: error.path }, 'unexpected error (masked for the client)');
          }
        }
      };
      return {
        onExecuteDone({ result }) {
          if (!(Symbol.asyncIterator in result)) {
            if (result.errors !== undefined) logErrors(result.errors as readonly GraphQLError[]);
            return undefined;
          }
          // A streamed (@defer) result: each later part may carry errors of its own.
          return {
            onNext({ result: part }) {
              const payload = part as { errors?: readonly GraphQLError[]; incremental?: readonly { errors?: readonly GraphQLError[] }[] };
              if (payload.errors !== undefined) logErrors(payload.errors);
              for (const piece of payload.incremental ?? []) if (piece.errors !== undefined) logErrors(piece.errors);
            },
          };
        },
      };
    },
    onResultProcess({ request, result }) {
      const record = records.get(request);
      if (record === undefined || Array.isArray(result) || !('errors' in result)) return;
      record.errors = result.errors?.length ?? 0;
    },
    onResponse({ request, response, serverContext }) {
      const record = records.get(request);
      if (record === undefined) return;
      const scope = scopeOf(serverContext);
      const { auth } = scope;
      // Why a bearer token was not accepted (`wrong_audience`, `unavailable`, …): a
      // misconfigured JWT_AUDIENCE shows here.
      const tokenRefused = auth.status === 'invalid' ? auth.reason : auth.status === 'unavailable' ? 'unavailable' : null;
      accessLine.info(
        {
          requestId: scope.requestId,
          method: request.method,
          path: new URL(request.url).pathname,
          operationName: record.operationName,
          status: response.status,
          durationMs: Math.round((performance.now() - record.started) * 100) / 100,
          viewerId: scope.viewerId,
          ...(tokenRefused === null ? {} : { tokenRefused }),
          clientName: scope.client.name,
          clientVersion: scope.client.version,
          errors: record.errors,
        },
        'request',
      );
    },
  };
}
