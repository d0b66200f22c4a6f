import { request, type IncomingHttpHeaders } from 'node:http';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The bytes as they came off the wire: never decompressed. */
  body: Buffer;
  /** Each data chunk as it arrived, with its arrival time (ms since the request was sent). */
  chunks: { at: number; data: Buffer }[];
  /** Milliseconds from sending the request to its response headers. */
  headersMs: number;
  /** Milliseconds from sending the request to the end of its body. */
  totalMs: number;
}

export interface RawRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The client's source address (any of 127.0.0.0/8 on loopback), to look like another IP. */
  localAddress?: string;
}

/**
 * One HTTP request with node:http, which (unlike fetch) neither adds an Accept-Encoding
 * nor decompresses: the test sees exactly the bytes and headers the gateway sent.
 */
export function rawRequest(url: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
        agent: false,
        ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
      },
      (res) => {
        const headersMs = performance.now() - started;
        const chunks: { at: number; data: Buffer }[] = [];
        res.on('data', (data: Buffer) => chunks.push({ at: performance.now() - started, data }));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks.map((chunk) => chunk.data)),
            chunks,
            headersMs,
            totalMs: performance.now() - started,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
