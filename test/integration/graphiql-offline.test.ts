import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnDemo, type DemoProcess } from '../helpers/spawn-demo.js';

/** Debian's `chromium` package (`.ci/run` installs it); CHROMIUM_PATH points elsewhere. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const IN_CI = (process.env.CI ?? '') !== '' && process.env.CI !== 'false';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM && !IN_CI) {
  process.stderr.write(
    `graphiql-offline.test.ts SKIPPED: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH). It never skips under CI.\n`,
  );
}

/** The demo's sample query (it needs a viewer: the dev token goes in the headers editor). */
const SAMPLE_QUERY =
  '{ viewer { name orders(first: 3) { nodes { id status totalCents items { quantity product { name priceCents } } } } } recommendations(first: 3) { id name } }';

const isLocal = (url: URL) => url.hostname === 'localhost' || url.hostname === '127.0.0.1';
/** Schemes that never touch the network (the page builds its editor workers from blob: URLs). */
const isInPage = (url: URL) => url.protocol === 'blob:' || url.protocol === 'data:' || url.protocol === 'about:';

/**
 * GraphiQL in a real browser with no internet: `npm start`, headless Chromium, every
 * request to a host other than localhost aborted and recorded. The page must load,
 * introspect the schema, run the sample query with the dev token from its headers
 * editor, and show the data.
 */
describe.skipIf(!HAVE_CHROMIUM && !IN_CI)('GraphiQL works offline (npm start, headless Chromium)', () => {
  let demo: DemoProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Every URL off localhost the browser attempted (seen by the route or as a request event). */
  const external = new Set<string>();

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) throw new Error(`CI=${process.env.CI}: no Chromium at ${CHROMIUM}; .ci/run installs Debian's chromium package`);
    [demo, browser] = await Promise.all([
      spawnDemo(),
      chromium.launch({
        executablePath: CHROMIUM,
        // Belt and braces beside the routing below: no other host even resolves.
        args: ['--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1'],
      }),
    ]);
    // Tall enough that the editor renders every line of the result (Monaco draws only what is visible).
    context = await browser.newContext({ viewport: { width: 1400, height: 3000 } });
    const record = (raw: string) => {
      const url = new URL(raw);
      if (!isLocal(url) && !isInPage(url)) external.add(raw);
    };
    context.on('request', (request) => record(request.url()));
    await context.route(
      (url) => !isLocal(url) && !isInPage(url),
      (route) => {
        record(route.request().url());
        return route.abort('internetdisconnected');
      },
    );
    page = await context.newPage();
    page.on('websocket', (socket) => record(socket.url()));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  }, 30_000);

  it('loads with no request off localhost, introspects, and shows the sample query’s data', async () => {
    const url = demo.graphqlUrl.replace('//127.0.0.1:', '//localhost:');
    const introspection = page.waitForResponse((response) => response.request().postData()?.includes('IntrospectionQuery') === true);
    await page.goto(url);
    // By `load`, the page has asked for every script and stylesheet it references.
    expect([...external], 'requests the page attempted off localhost').toEqual([]);
    expect(await page.title()).toBe('Mobile GraphQL Gateway');
    // Without it GraphiQL has no schema: no docs, no completion.
    const introspected = await introspection;
    expect(introspected.status()).toBe(200);
    expect(((await introspected.json()) as { data?: { __schema?: unknown } }).data?.__schema).toBeDefined();

    const headers = JSON.stringify({ authorization: `Bearer ${demo.token}` });
    await page.getByRole('button', { name: 'Headers' }).click();
    await replaceEditorText(page, '.graphiql-query-editor', SAMPLE_QUERY);
    await replaceEditorText(page, '.graphiql-editor-tool', headers);

    // GraphiQL sends the operation minified: compared without whitespace.
    const answered = page.waitForResponse((response) => compactQueryOf(response.request().postData()) === compact(SAMPLE_QUERY));
    await page.locator('.graphiql-execute-button').click();
    const answer = await answered;
    expect(answer.status()).toBe(200);
    expect(answer.request().headers()['authorization']).toBe(`Bearer ${demo.token}`);

    // What the gateway answers to the same query and token, asked directly.
    const direct = await fetch(demo.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${demo.token}` },
      body: JSON.stringify({ query: SAMPLE_QUERY }),
    });
    const expected = (await direct.json()) as { data?: { viewer?: { name?: unknown }; recommendations?: unknown[] }; errors?: unknown };
    expect(expected.errors).toBeUndefined();
    expect(typeof expected.data?.viewer?.name).toBe('string');
    expect(expected.data?.recommendations).toHaveLength(3);

    // The result pane, as the user sees it, once it holds a whole JSON document.
    const shown = await page.waitForFunction(() => {
      const text = document.querySelector('.graphiql-response .view-lines')?.textContent?.replaceAll('\u00a0', ' ');
      if (text === undefined || text.trim() === '') return null;
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return null; // Still rendering.
      }
    });
    expect(await shown.jsonValue()).toEqual(expected);

    expect([...external], 'requests the page attempted off localhost').toEqual([]);
  }, 60_000);
});

const compact = (query: string) => query.replace(/\s+/g, '');

/** The `query` of a GraphQL POST body, without whitespace; null for anything else. */
function compactQueryOf(body: string | null): string | null {
  if (body === null) return null;
  try {
    const { query } = JSON.parse(body) as { query?: unknown };
    return typeof query === 'string' ? compact(query) : null;
  } catch {
    return null;
  }
}

/**
 * Replaces the text of the Monaco editor inside `container`, as a paste would (typed key
 * by key, the editor would auto-close brackets, and with a selection, wrap it in them),
 * and waits until the editor shows exactly that text.
 */
async function replaceEditorText(page: Page, container: string, text: string): Promise<void> {
  const editor = page.locator(`${container} .monaco-editor`).last();
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
  await expect.poll(async () => (await editor.locator('.view-lines').innerText()).replaceAll('\u00a0', ' ')).toBe(text);
}
