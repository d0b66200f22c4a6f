import { describe, expect, it } from 'vitest';
import { createOfflineGraphiQLRenderer } from '../../../src/edge/offline-graphiql.js';

describe('createOfflineGraphiQLRenderer', () => {
  it('renders a page that loads nothing from a CDN: script, styles, favicon and workers inline', async () => {
    const html = await createOfflineGraphiQLRenderer()({ title: 'Mobile GraphQL Gateway' });
    expect(html).toContain('<title>Mobile GraphQL Gateway</title>');
    expect(html).not.toContain('unpkg.com');
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+rel="?stylesheet/);
    expect(html).toMatch(/<link rel="icon" href="data:image\//);
    expect(html).toContain('YogaGraphiQL.renderYogaGraphiQL(');
  });

  it('renders once per distinct options and keeps the page', async () => {
    const render = createOfflineGraphiQLRenderer();
    const first = await render({ title: 'A' });
    expect(await render({ title: 'A' })).toBe(first);
    const other = await render({ title: 'B' });
    expect(other).toContain('<title>B</title>');
    expect(other).not.toContain('<title>A</title>');
  });
});
