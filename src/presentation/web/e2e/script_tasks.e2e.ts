// The everyday tasks around one script, where a user expects them: "Save
// and activate" (a draft says it will not run), Ctrl+S, the right URL and
// curl line for an endpoint, a request-shaped starting input, and the pages
// in the system's dark scheme.
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { launchChromium } from './browser';
import { startServer, type RunningServer } from './server';

const screenshots = process.env.JSR_SCREENSHOTS ?? join(process.cwd(), 'screenshots');

let server: RunningServer;
let browser: Browser;
let page: Page;
const errors: string[] = [];

async function signedInPage(colorScheme: 'light' | 'dark'): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1200, height: 900 }, colorScheme });
  context.setDefaultTimeout(15_000);
  const tab = await context.newPage();
  tab.on('pageerror', (error) => errors.push(error.message));
  await tab.goto(server.url + '/#/login');
  await tab.fill('#token', server.adminToken);
  await tab.getByRole('button', { name: 'Sign in' }).click();
  await tab.getByRole('heading', { name: 'Scripts' }).waitFor();
  return tab;
}

async function createHttp(name: string, path: string, auth: 'token' | 'none'): Promise<string> {
  const made = await server.api<{ id: string }>('POST', '/api/v1/scripts', server.adminToken, {
    name, type: 'http', http_path: path, http_methods: ['POST'], http_auth: auth, status: 'active',
    source: 'export default (request) => request.params',
  });
  return made.id;
}

beforeAll(async () => {
  server = await startServer();
  browser = await launchChromium();
  page = await signedInPage('light');
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('a script\'s tasks', () => {
  it('saves a draft that says it will not run, and saves and activates in one step', async () => {
    await page.evaluate(() => { location.hash = '#/new'; });
    await page.locator('#name').waitFor();
    await page.fill('#name', 'Kept as a draft');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('heading', { name: 'Kept as a draft', exact: true }).waitFor();
    await page.getByText('This script is a draft: it does not run until it is activated.').waitFor();

    await page.evaluate(() => { location.hash = '#/new'; });
    await page.locator('#name').waitFor();
    await page.fill('#name', 'Running at once');
    await page.getByRole('button', { name: 'Save and activate' }).click();
    await page.getByRole('heading', { name: 'Running at once', exact: true }).waitFor();
    await expect.poll(() => page.locator('dd .status').textContent()).toBe('Active');
    expect(await page.getByText('This script is a draft').count()).toBe(0);
  });

  it('makes a scheduled script, saves and activates it, and its runs appear by themselves', async () => {
    await page.evaluate(() => { location.hash = '#/new'; });
    await page.locator('#name').waitFor();
    await page.fill('#name', 'Every second');
    await page.selectOption('#type', 'scheduled');
    await page.fill('#cron_expression', '* * * * * *');  // six fields: seconds first
    await page.getByRole('button', { name: 'Save and activate' }).click();
    await page.getByRole('heading', { name: 'Every second', exact: true }).waitFor();
    // Nothing reloaded by hand: the history fills as the slots run.
    await expect.poll(() => page.locator('section[aria-labelledby="history-heading"] tbody tr').count(),
                      { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    expect(await page.locator('section[aria-labelledby="history-heading"] tbody tr').first().innerText()).toContain('Schedule');
    const id = /#\/scripts\/([\w-]+)$/.exec(page.url())![1];
    await server.api('PATCH', `/api/v1/scripts/${id}`, server.adminToken, { status: 'paused' });
  });

  it('saves the form with Ctrl+S', async () => {
    const { items } = await server.api<{ items: { id: string }[] }>('GET', '/api/v1/scripts?search=Running%20at%20once',
                                                                   server.adminToken);
    const id = items[0].id;
    await page.evaluate((script) => { location.hash = `#/scripts/${script}/edit`; }, id);
    await page.locator('#description').waitFor();
    await page.fill('#description', 'saved from the keyboard');
    await page.keyboard.press('Control+s');
    await page.getByRole('heading', { name: 'Running at once', exact: true }).waitFor();
    const saved = await server.api<{ description: string }>('GET', `/api/v1/scripts/${id}`, server.adminToken);
    expect(saved.description).toBe('saved from the keyboard');
  });

  it('shows a public hook at /hooks/<tenant> and a token endpoint with its curl line', async () => {
    const hook = await createHttp('Stripe hook', '/stripe/:event', 'none');
    await page.evaluate((id) => { location.hash = `#/scripts/${id}`; }, hook);
    await page.getByRole('heading', { name: 'Stripe hook' }).waitFor();
    expect(await page.locator('code.url').textContent()).toBe(`${server.url}/hooks/default/stripe/1`);
    expect(await page.locator('pre.curl').textContent()).not.toContain('Authorization');
    // It answers there, without a token, as shown.
    const answered = await fetch(`${server.url}/hooks/default/stripe/1`, { method: 'POST' });
    expect(await answered.json()).toEqual({ event: '1' });

    const endpoint = await createHttp('Orders', '/orders/:id', 'token');
    await page.evaluate((id) => { location.hash = `#/scripts/${id}`; }, endpoint);
    await page.getByRole('heading', { name: 'Orders' }).waitFor();
    expect(await page.locator('code.url').textContent()).toBe(`${server.url}/api/scripts/orders/1`);
    expect(await page.locator('pre.curl').textContent()).toContain('-H "Authorization: Bearer $TOKEN"');
    const input = JSON.parse(await page.locator('#input').inputValue());
    expect(input).toMatchObject({ method: 'POST', path: '/orders/1', params: { id: '1' }, body: {} });
  });

  it('runs a script from the list and follows the run live to its end', async () => {
    await server.api('POST', '/api/v1/scripts', server.adminToken, {
      name: 'Slow greeter', type: 'oneoff', status: 'active',
      source: 'export default async () => { await new Promise((r) => setTimeout(r, 1500)); return "done"; }',
    });
    await page.evaluate(() => { location.hash = '#/scripts?search=Slow'; });
    await page.getByRole('button', { name: 'Run: Slow greeter' }).click();
    await page.getByRole('heading', { name: /^Execution: (Pending|Running)$/ }).waitFor();
    await page.getByRole('heading', { name: 'Execution: Completed' }).waitFor({ timeout: 20_000 });
    expect(await page.locator('pre').nth(1).textContent()).toBe('"done"');
    expect(await page.getByRole('button', { name: 'Cancel' }).count()).toBe(0);
  });

  it('shows a running execution\'s log lines as they are written, and cancels it from its page', async () => {
    const looping = await server.api<{ id: string }>('POST', '/api/v1/scripts', server.adminToken, {
      name: 'Waits long', type: 'oneoff', status: 'active',
      source: "export default async () => {\n  console.log('first step');\n" +
              "  await new Promise((r) => setTimeout(r, 700));\n  sdk.log.warn('second step', { n: 2 });\n" +
              "  await new Promise((r) => setTimeout(r, 20000));\n}\n",
    });
    const run = await server.api<{ id: string }>('POST', `/api/v1/scripts/${looping.id}/executions`, server.adminToken,
                                                 { wait: false });
    await page.evaluate((id) => { location.hash = `#/executions/${id}`; }, run.id);
    // Both lines arrive while the run is still going.
    await expect.poll(() => page.locator('.logs li').allInnerTexts(), { timeout: 10_000 })
      .toEqual([expect.stringContaining('first step'), expect.stringContaining('second step')]);
    await page.getByRole('heading', { name: 'Execution: Running' }).waitFor();
    await page.selectOption('#level', 'warn');
    expect(await page.locator('.logs li').allInnerTexts()).toEqual([expect.stringContaining('second step')]);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('heading', { name: 'Execution: Cancelled' }).waitFor();
  });

  it('pages and filters a script\'s history', async () => {
    const counter = await server.api<{ id: string }>('POST', '/api/v1/scripts', server.adminToken, {
      name: 'Odd one out', type: 'oneoff', status: 'active',
      source: 'export default (input) => { if (input.fail) throw new Error("asked to"); return input.n; }',
    });
    for (let n = 0; n < 22; ++n) {
      await server.api('POST', `/api/v1/scripts/${counter.id}/executions`, server.adminToken,
                       { input: { n, fail: n === 3 }, wait: true }).catch(() => undefined);
    }
    await page.evaluate((id) => { location.hash = `#/scripts/${id}`; }, counter.id);
    await page.getByText('Page 1 of 2').waitFor();
    await expect.poll(() => page.locator('section[aria-labelledby="history-heading"] tbody tr').count()).toBe(20);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Page 2 of 2').waitFor();
    await expect.poll(() => page.locator('section[aria-labelledby="history-heading"] tbody tr').count()).toBe(2);
    await page.selectOption('#history-status', 'failed');
    await page.getByText('Page 1 of 1').waitFor();
    expect(await page.locator('section[aria-labelledby="history-heading"] tbody tr').allInnerTexts())
      .toEqual([expect.stringContaining('Failed')]);
  });

  it('publishes a test event from an event script\'s page and shows its run', async () => {
    const handler = await server.api<{ id: string }>('POST', '/api/v1/scripts', server.adminToken, {
      name: 'On orders', type: 'event', status: 'active', event_types: ['order.*'],
      source: 'export default (payload) => ({ seen: payload.n })',
    });
    await page.evaluate((id) => { location.hash = `#/scripts/${id}`; }, handler.id);
    expect(await page.locator('#event-type').inputValue()).toBe('order.test');
    await page.fill('#event-payload', '{"n": 7}');
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByText('Published: its run appears below.').waitFor();
    await page.locator('section[aria-labelledby="history-heading"] a', { hasText: 'Completed' }).waitFor({ timeout: 20_000 });
    const runs = await server.api<{ items: { output: unknown; trigger_type: string }[] }>(
      'GET', `/api/v1/scripts/${handler.id}/executions`, server.adminToken);
    expect(runs.items).toEqual([expect.objectContaining({ output: { seen: 7 }, trigger_type: 'event' })]);
  });

  it('follows the system\'s dark scheme, Monaco too', async () => {
    const dark = await signedInPage('dark');
    const id = (await server.api<{ items: { id: string; name: string }[] }>('GET', '/api/v1/scripts', server.adminToken))
      .items.find((script) => script.name === 'Orders')!.id;
    await dark.evaluate((script) => { location.hash = `#/scripts/${script}`; }, id);
    await dark.locator('.monaco-editor').waitFor();
    const background = await dark.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    const [r, g, b] = background.match(/\d+/g)!.map(Number);
    expect(r + g + b).toBeLessThan(150);
    expect(await dark.locator('.monaco-editor.vs-dark').count()).toBeGreaterThan(0);
    await dark.screenshot({ path: join(screenshots, 'script-dark-en.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
