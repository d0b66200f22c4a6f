/** Small fetch wrappers for the backend tests. */

export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** fetch + parse JSON (body is undefined for an empty response). */
// `any` default: tests index freely into response bodies and assert the shape with expect().
export async function requestJson<T = any>(
  url: string,
  init: RequestInit = {},
): Promise<JsonResponse<T>> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text === '' ? undefined : JSON.parse(text)) as T };
}

/** A JSON request with a body. */
// `any` default: see requestJson.
export function sendJsonBody<T = any>(
  url: string,
  method: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse<T>> {
  return requestJson<T>(url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
