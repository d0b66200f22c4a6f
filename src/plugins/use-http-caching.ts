import { createHash } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';

/**
 * HTTP caching of GraphQL answers, for phones on slow networks:
 * - by default `Cache-Control: private, no-store` (answers are per viewer);
 * - a successful GET query gets an `ETag` and `private, no-cache`, so the app may keep
 *   it and revalidate: a matching `If-None-Match` costs a `304` and no body;
 * - a response with errors or warnings stays `no-store` (set by usePartialResponseHeaders).
 * Streamed answers (@defer) are left alone.
 */
export function useHttpCaching(): Plugin {
  return {
    async onResponse({ request, response, setResponse }) {
      if (response.headers.get('cache-control') !== null) return;
      const streamed = /multipart|event-stream/.test(response.headers.get('content-type') ?? '');
      if (request.method !== 'GET' || response.status !== 200 || streamed || response.body === null) {
        response.headers.set('cache-control', 'private, no-store');
        return;
      }
      const body = await response.text();
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
      const headers = new Headers(response.headers);
      headers.set('etag', etag);
      headers.set('cache-control', 'private, no-cache');
      headers.append('vary', 'authorization');
      if (ifNoneMatch(request.headers.get('if-none-match'), etag)) {
        headers.delete('content-type');
        headers.delete('content-length');
        setResponse(new Response(null, { status: 304, headers }));
        return;
      }
      setResponse(new Response(body, { status: 200, headers }));
    },
  };
}

// Private:

function ifNoneMatch(header: string | null, etag: string): boolean {
  if (header === null) return false;
  return header === '*' || header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}
