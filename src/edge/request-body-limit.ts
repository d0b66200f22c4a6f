import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestEntityTooLarge } from '../errors/client-errors.js';

/** What reading a streamed body came to. */
export type StreamedBody = { kind: 'body'; body: Buffer } | { kind: 'too_large' } | { kind: 'aborted' };

/**
 * Whether the request streams its body without declaring a length (`Transfer-Encoding:
 * chunked`). Node's parser refuses a request that has both headers, and one with neither
 * has no body.
 */
export function streamsBodyWithoutLength(req: IncomingMessage): boolean {
  return req.headers['content-length'] === undefined && req.headers['transfer-encoding'] !== undefined;
}

/**
 * Reads a body whose size nobody declared, counting bytes as they arrive: resolves with
 * `too_large` as soon as it passes `maxBytes` (nothing past the limit is kept), with
 * `aborted` when the client goes away first. Only such bodies are read here: a body with
 * a Content-Length is checked from the header alone and streamed straight to yoga,
 * whose own counting stream would cost ~4 % of the CPU of every request.
 */
export function readBodyWithin(req: IncomingMessage, maxBytes: number): Promise<StreamedBody> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (result: StreamedBody) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      req.off('error', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) settle({ kind: 'too_large' });
      else chunks.push(chunk);
    };
    const onEnd = () => settle({ kind: 'body', body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) });
    // 'close' before 'end' (or an 'error'): the client went away mid-body.
    const onClose = () => settle({ kind: 'aborted' });
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('close', onClose);
    req.once('error', onClose);
  });
}

/**
 * Answers 413 `REQUEST_ENTITY_TOO_LARGE` and closes the connection: the rest of the
 * body is never read, so the connection cannot carry another request.
 */
export function sendBodyTooLarge(res: ServerResponse, requestId: string, maxBytes: number): void {
  const body = JSON.stringify({ errors: [requestEntityTooLarge(maxBytes)] });
  res.writeHead(413, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    connection: 'close',
    'x-request-id': requestId,
  });
  res.end(body);
}
