import { describe, expect, it } from 'vitest';
import { HOLE, parseUrlTemplate, renderUrlTemplate, UrlTemplateError, type TemplateValue } from '../../../src/connectors/url-template.js';

const render = (text: string, values: Record<string, TemplateValue>, hole?: string) => {
  const template = parseUrlTemplate(text);
  const holeVariable = hole === undefined ? undefined : template.variables.find((v) => v.text === hole);
  return renderUrlTemplate(template, (v) => values[`${v.namespace}.${v.name}`], holeVariable);
};

describe('parseUrlTemplate', () => {
  it('finds every variable, in order, with its namespace and name', () => {
    const template = parseUrlTemplate('/users/{$viewer.id}/reviews?productIds={$batch.id}&limit={$args.first}&lang={$this.locale}');
    expect(template.variables.map((v) => [v.namespace, v.name, v.text])).toEqual([
      ['viewer', 'id', '{$viewer.id}'],
      ['batch', 'id', '{$batch.id}'],
      ['args', 'first', '{$args.first}'],
      ['this', 'locale', '{$this.locale}'],
    ]);
  });

  it.each([
    ['reviews?ids={$args.id}', 'must start with "/"'],
    ['/reviews?ids={$args.id', 'has a "{" that is never closed'],
    ['/reviews?ids=$args.id}', 'has a "}" with no "{" before it'],
    ['/reviews?ids={args.id}', 'has {args.id}, which is not a variable'],
    ['/reviews?ids={$args}', 'has {$args}, which is not a variable'],
    ['/reviews?ids={$args.a.b}', 'has {$args.a.b}, which is not a variable'],
    ['/reviews?ids={$parent.id}', 'unknown variable $parent'],
    ['/reviews?ids={$viewer.name}', '$viewer has only id'],
    ['/reviews/{$args.a}{$args.b}', 'two variables with nothing between them'],
    ['/reviews?q={$args.q}#top', 'must not contain spaces or "#"'],
    ['/reviews ?ids={$args.id}', 'must not contain spaces or "#"'],
  ])('refuses %s: %s', (text, message) => {
    expect(() => parseUrlTemplate(text)).toThrow(UrlTemplateError);
    expect(() => parseUrlTemplate(text)).toThrow(message);
  });
});

describe('renderUrlTemplate', () => {
  it('URL-encodes every value, in the path and in the query', () => {
    expect(render('/users/{$args.id}/reviews?q={$args.q}', { 'args.id': 'a/b?c', 'args.q': 'é & =' })).toBe(
      '/users/a%2Fb%3Fc/reviews?q=%C3%A9%20%26%20%3D',
    );
  });

  it('joins a list with commas, each item encoded', () => {
    expect(render('/products?ids={$args.ids}', { 'args.ids': ['p1', 'p,2', 3] })).toBe('/products?ids=p1,p%2C2,3');
  });

  it('writes numbers and booleans as text', () => {
    expect(render('/r?limit={$args.first}&all={$args.all}', { 'args.first': 3, 'args.all': false })).toBe('/r?limit=3&all=false');
  });

  it('leaves out a query parameter that is only a null variable', () => {
    expect(render('/reviews?productIds={$args.id}&limit={$args.first}', { 'args.id': 'p1', 'args.first': null })).toBe('/reviews?productIds=p1');
    expect(render('/reviews?limit={$args.first}', { 'args.first': undefined })).toBe('/reviews');
  });

  it('has nothing to ask when a variable in the path, or inside a longer parameter, is null', () => {
    expect(render('/users/{$this.ownerId}', { 'this.ownerId': null })).toBeNull();
    expect(render('/r?range={$args.from}-{$args.to}', { 'args.from': null, 'args.to': 3 })).toBeNull();
    expect(render('/products?ids={$args.ids}', { 'args.ids': [] })).toBeNull();
  });

  it('encodes a path value of . or .. so that it cannot climb to another endpoint', () => {
    expect(render('/reviews/{$args.id}', { 'args.id': '..' })).toBe('/reviews/%2E%2E');
    expect(render('/reviews/{$args.id}', { 'args.id': '.' })).toBe('/reviews/%2E');
    expect(render('/reviews?id={$args.id}', { 'args.id': '..' })).toBe('/reviews?id=..');
  });

  it('leaves the batch variable as a hole, whatever its value', () => {
    expect(render('/reviews?productIds={$batch.id}&limit={$args.first}', { 'args.first': 2 }, '{$batch.id}')).toBe(`/reviews?productIds=${HOLE}&limit=2`);
  });
});
