// The editor's dry run in Chromium against the real server: an unsaved draft
// that writes to sdk.db and calls sdk.http tried on a captured input beside
// the live version — its write rolled back, its request recorded and never
// sent (a local server, which the runtime may reach, sees none), nothing saved.
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { launchChromium, pasteCode, signIn } from './browser';
import { startServer, type RunningServer } from './server';

const screenshots = process.env.JSR_SCREENSHOTS ?? join(process.cwd(), 'screenshots');

let server: RunningServer;
let browser: Browser;
let page: Page;
let partner: Server;  // stands for the partner the draft posts to
let partnerRequests = 0;
const errors: string[] = [];

const liveSource = `export default async (input) => {
  await sdk.db.execute('INSERT INTO orders (id, total) VALUES ($1, $2)', [input.id, input.total]);
  return { saved: input.id };
}
`;

const json = async (locator: ReturnType<Page['locator']>) => JSON.parse((await locator.textContent())!);

beforeAll(async () => {
  partner = createServer((_request, response) => {
    partnerRequests += 1;
    response.end('{}');
  });
  await new Promise<void>((resolve) => partner.listen(0, '127.0.0.1', resolve));
  const port = (partner.address() as AddressInfo).port;
  server = await startServer(['--http-allow', `127.0.0.1:${port}`]);
  browser = await launchChromium();
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1200, height: 900 } });
  context.setDefaultTimeout(15_000);
  page = await context.newPage();
  page.on('pageerror', (error) => errors.push(error.message));
  await signIn(page, server.url, server.adminToken);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await new Promise((resolve) => partner?.close(resolve));
});

describe('a dry run', () => {
  it('tries a draft on a captured input beside the live version: its sdk.db write rolled back, its sdk.http call recorded and not sent', async () => {
    await server.api('POST', '/api/v1/db/migrations', server.adminToken,
                     { name: '001_orders', sql: 'CREATE TABLE orders (id INTEGER PRIMARY KEY, total INTEGER NOT NULL)' });
    const script = await server.api<{ id: string }>('POST', '/api/v1/scripts', server.adminToken,
                                                   { name: 'Save order', type: 'oneoff', source: liveSource });
    const live = await server.api<{ id: string; status: string }>('POST', `/api/v1/scripts/${script.id}/executions`,
                                                                  server.adminToken, { input: { id: 1, total: 10 } });
    expect(live.status).toBe('completed');

    await page.evaluate((target) => { location.hash = target; }, `#/scripts/${script.id}/edit`);
    await page.locator('.monaco-editor').waitFor();
    const panel = page.locator('section.dry-run');
    // The latest run is offered first, its input shown; an input of one's own comes last.
    await expect.poll(() => panel.locator('#dry-run-input option').allInnerTexts())
      .toEqual([expect.stringMatching(/ · API · Completed$/), 'An input of my own']);
    expect(await json(panel.locator('pre.dry-run-input'))).toEqual({ id: 1, total: 10 });

    const partnerUrl = `http://127.0.0.1:${(partner.address() as AddressInfo).port}/orders`;
    await pasteCode(page, `export default async (input) => {
  await sdk.db.execute('INSERT INTO orders (id, total) VALUES ($1, $2)', [input.id + 1, input.total * 2]);
  const sent = await sdk.http.post('${partnerUrl}', { order: input.id });
  sdk.log.info('posted', { status: sent.status });
  return { rows: await sdk.db.query('SELECT id FROM orders ORDER BY id'), status: sent.status };
}
`);
    await page.getByRole('button', { name: 'Try the draft' }).click();
    const draft = panel.locator('.dry-run-draft');
    await draft.getByRole('heading', { name: 'Draft: Completed' }).waitFor();
    expect(await json(draft.locator('pre.output'))).toEqual({ rows: [{ id: 1 }, { id: 2 }], status: 200 });
    expect(await draft.locator('.logs li').allInnerTexts()).toEqual([expect.stringContaining('posted')]);
    expect(await draft.locator('.recorded-calls code').allInnerTexts())
      .toEqual(['sdk.db.execute', 'sdk.http', 'sdk.db.query']);
    expect(await json(draft.locator('.recorded-calls pre').nth(1))).toMatchObject({ method: 'POST', url: partnerUrl });

    // The live version ran on the same input after the draft's write was undone: order 1 is there for real.
    const saved = panel.locator('.dry-run-live');
    await saved.getByRole('heading', { name: 'Live version 1: Failed' }).waitFor();
    await saved.getByText('QUERY_ERROR').waitFor();
    await page.screenshot({ path: join(screenshots, 'dry-run-side-by-side-en.png'), fullPage: true });

    expect(partnerRequests).toBe(0);
    const counter = await server.api<{ id: string }>('POST', '/api/v1/scripts', server.adminToken,
      { name: 'Count orders', type: 'oneoff', source: "export default () => sdk.db.query('SELECT id, total FROM orders')" });
    const counted = await server.api<{ output: unknown }>('POST', `/api/v1/scripts/${counter.id}/executions`,
                                                          server.adminToken, {});
    expect(counted.output).toEqual([{ id: 1, total: 10 }]);
    const stored = await server.api<{ version: number }>('GET', `/api/v1/scripts/${script.id}`, server.adminToken);
    expect(stored.version).toBe(1);
  }, 60_000);

  it('takes an input written in the panel, and says so when it is not JSON', async () => {
    await page.locator('#dry-run-input').selectOption({ label: 'An input of my own' });
    await page.fill('#dry-run-own', '{ "id": 7, ');
    await page.getByRole('button', { name: 'Try the draft' }).click();
    await page.locator('#dry-run-notice').getByText('The input is not JSON').waitFor();
    await page.fill('#dry-run-own', '{ "id": 7, "total": 70 }');
    await page.getByRole('button', { name: 'Try the draft' }).click();
    const saved = page.locator('.dry-run-live');
    await saved.getByRole('heading', { name: 'Live version 1: Completed' }).waitFor();
    expect(await json(saved.locator('pre.output'))).toEqual({ saved: 7 });
    expect(await json(page.locator('.dry-run-draft pre.output'))).toMatchObject({ rows: [{ id: 1 }, { id: 8 }] });
    expect(partnerRequests).toBe(0);
    expect(errors).toEqual([]);
  }, 60_000);
});
