import { describe, expect, it } from 'vitest';
import { resolveRequestId } from '../../../src/observability/request-id.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('resolveRequestId', () => {
  it.each([
    'abc',
    'a',
    'req-123',
    'A1.b2_c3:d4-e5',
    '3f0c2a9e-6a4b-4c1d-9e8f-0123456789ab',
    'x'.repeat(128),
  ])('keeps the acceptable id %j', (id) => {
    expect(resolveRequestId(id)).toBe(id);
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['empty', ''],
    ['too long (129 chars)', 'x'.repeat(129)],
    ['with a space', 'req 123'],
    ['only spaces', '   '],
    ['with a trailing newline', 'req-123\n'],
    ['with an embedded CRLF', 'req\r\nX-Injected: 1'],
    ['with a tab', 'req\t1'],
    ['with a slash', 'a/b'],
    ['with non-ASCII', 'réq-1'],
    ['with a JSON-breaking quote', 'a"b'],
  ])('replaces an id that is %s with a fresh UUID', (_label, header) => {
    const id = resolveRequestId(header);
    expect(id).toMatch(UUID_V4);
    expect(id).not.toBe(header);
  });

  it('generates a different UUID each time', () => {
    const ids = new Set(Array.from({ length: 50 }, () => resolveRequestId(undefined)));
    expect(ids.size).toBe(50);
  });
});
