import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Plugin } from 'graphql-yoga';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

export interface CompressionOptions {
  /** Bodies smaller than this are sent as they are: compressing them costs more than it saves. @default 1024 */
  thresholdBytes?: number;
}

/**
 * br or gzip for responses above a size threshold, when the client accepts them.
 * Brotli at quality 4 (its default, 11, costs ~10× the CPU for a few % on JSON this
 * size). Streamed answers (@defer) are left alone. Request bodies are never
 * decompressed: a compressed body could expand past the body-size limit.
 */
export function useCompression(options: CompressionOptions = {}): Plugin {
  const threshold = options.thresholdBytes ?? 1024;
  return {
    async onResponse({ request, response, setResponse }) {
      const accepted = request.headers.get('accept-encoding');
      if (accepted === null || response.body === null || response.status === 304) return;
      const encoding = pickEncoding(accepted);
      if (encoding === null) return;
      if (/multipart|event-stream/.test(response.headers.get('content-type') ?? '')) return;
      const body = Buffer.from(await response.arrayBuffer());
      const headers = new Headers(response.headers);
      headers.append('vary', 'accept-encoding');
      if (body.length < threshold) {
        setResponse(new Response(body, { status: response.status, headers }));
        return;
      }
      const compressed =
        encoding === 'br'
          ? await brotli(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } })
          : await gzipAsync(body, { level: 6 });
      headers.set('content-encoding', encoding);
      headers.set('content-length', String(compressed.length));
      setResponse(new Response(compressed, { status: response.status, headers }));
    },
  };
}

// Private:

/** br if acceptable, else gzip, honouring `q=0`. */
function pickEncoding(header: string): 'br' | 'gzip' | null {
  const accepted = new Map<string, number>();
  for (const part of header.toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find((v) => v !== undefined);
    if (name !== undefined && name !== '') accepted.set(name, q === undefined ? 1 : Number(q));
  }
  const wants = (encoding: string) => (accepted.get(encoding) ?? accepted.get('*') ?? 0) > 0;
  if (wants('br')) return 'br';
  if (wants('gzip')) return 'gzip';
  return null;
}
