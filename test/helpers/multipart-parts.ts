/** The JSON parts of a multipart/mixed body (GraphQL incremental delivery). */
export function multipartParts(body: string): unknown[] {
  return body
    .split(/\r\n---/)
    .map((part) => part.split('\r\n\r\n')[1])
    .filter((json): json is string => json !== undefined && json.trim() !== '')
    .map((json) => JSON.parse(json.trim()) as unknown);
}
