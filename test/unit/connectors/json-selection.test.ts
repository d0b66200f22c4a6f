import { describe, expect, it } from 'vitest';
import { applyJsonSelection, JsonSelectionError, parseJsonSelection } from '../../../src/connectors/json-selection.js';

const select = (text: string | undefined, body: unknown) => applyJsonSelection(parseJsonSelection(text), body);

describe('JSON selection', () => {
  it('is the whole body when absent or $', () => {
    const body = { items: [] };
    expect(select(undefined, body)).toEqual({ found: true, value: body });
    expect(select('$', body)).toEqual({ found: true, value: body });
  });

  it('follows keys and indexes', () => {
    const body = { data: { reviews: [{ id: 'r1' }, { id: 'r2' }] } };
    expect(select('data.reviews', body)).toEqual({ found: true, value: body.data.reviews });
    expect(select('data.reviews.1', body)).toEqual({ found: true, value: { id: 'r2' } });
    expect(select('data.reviews.1.id', body)).toEqual({ found: true, value: 'r2' });
  });

  it('selects null through a null on the way (an absent optional object)', () => {
    expect(select('data.reviews', { data: null })).toEqual({ found: true, value: null });
  });

  it('says which step found nothing', () => {
    expect(select('data.reviews', { data: {} })).toEqual({ found: false, missing: 'data.reviews' });
    expect(select('items', [1, 2])).toEqual({ found: false, missing: 'items' });
    expect(select('items.5', { items: [1] })).toEqual({ found: false, missing: 'items.5' });
    expect(select('items.0', { items: { 0: 'not an array' } })).toEqual({ found: false, missing: 'items.0' });
    expect(select('length', 'text')).toEqual({ found: false, missing: 'length' });
  });

  it('never reads inherited properties', () => {
    expect(select('constructor', {})).toEqual({ found: false, missing: 'constructor' });
    expect(select('__proto__', {})).toEqual({ found: false, missing: '__proto__' });
  });

  it.each(['', 'items.', '.items', 'items..id', 'items[0]', 'a b'])('refuses %j', (text) => {
    expect(() => parseJsonSelection(text)).toThrow(JsonSelectionError);
  });
});
