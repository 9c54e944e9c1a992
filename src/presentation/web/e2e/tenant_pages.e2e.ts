// The tenant's pages in the browser: tokens (made with a role, shown once,
// revoked), secrets (set and deleted, their values never on the page),
// sdk.db migrations applied with the SQL editor, the quota, the audit log
// with the names of who did what — and, for a viewer, none of what it may
// not use.
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { launchChromium } from './browser';
import { startServer, type RunningServer } from './server';

let server: RunningServer;
let browser: Browser;
let page: Page;
const errors: string[] = [];

async function signedIn(token: string): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1200, height: 900 } });
  context.setDefaultTimeout(15_000);
  const tab = await context.newPage();
  tab.on('pageerror', (error) => errors.push(error.message));
  await tab.goto(server.url + '/#/login');
  await tab.fill('#token', token);
  await tab.getByRole('button', { name: 'Sign in' }).click();
  await tab.getByRole('heading', { name: 'Scripts' }).waitFor();
  return tab;
}

const go = async (tab: Page, hash: string) => tab.evaluate((target) => { location.hash = target; }, hash);

beforeAll(async () => {
  server = await startServer();
  browser = await launchChromium();
  page = await signedIn(server.adminToken);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the tenant\'s pages', () => {
  it('makes a token with a role, shows it once, and revokes it', async () => {
    await page.getByRole('link', { name: 'Tokens' }).click();
    await page.getByRole('heading', { name: 'API tokens' }).waitFor();
    await page.fill('#token-name', 'deploys');
    await page.selectOption('#token-role', 'developer');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = (await page.locator('#new-token').textContent())!;
    expect(token).toMatch(/^jsr_/);
    const who = await server.api<{ role: string }>('GET', '/api/v1/me', token);
    expect(who.role).toBe('developer');

    await page.getByRole('cell', { name: 'deploys', exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Revoke: admin' }).count()).toBe(0);  // the one signed in with
    await page.getByText('Signed in with this one').waitFor();
    await page.getByRole('button', { name: 'Revoke: deploys' }).click();
    await expect.poll(() => page.getByRole('cell', { name: 'deploys', exact: true }).count()).toBe(0);
    await expect(server.api('GET', '/api/v1/me', token)).rejects.toThrow(/401/);
  });

  it('sets and deletes a secret without ever showing its value', async () => {
    await go(page, '#/secrets');
    await page.getByRole('heading', { name: 'Secrets' }).waitFor();
    await page.fill('#secret-name', 'STRIPE_KEY');
    await page.fill('#secret-value', 'sk_live_never_shown_123');
    await page.getByRole('button', { name: 'Save secret' }).click();
    await page.getByRole('cell', { name: 'STRIPE_KEY', exact: true }).waitFor();
    expect(await page.content()).not.toContain('sk_live_never_shown_123');
    await page.getByRole('button', { name: 'Delete: STRIPE_KEY' }).click();
    await page.getByText('No secrets yet.').waitFor();
  });

  it('applies an sdk.db migration written in the SQL editor', async () => {
    await go(page, '#/db');
    await page.getByRole('heading', { name: 'Database (sdk.db)' }).waitFor();
    await page.locator('.editor.sql .monaco-editor').waitFor();
    await page.fill('#migration-name', '001_orders');
    await page.locator('.editor.sql .view-lines').click();
    await page.keyboard.type('CREATE TABLE orders (id INTEGER PRIMARY KEY, total INTEGER)');
    await page.getByRole('button', { name: 'Apply migration' }).click();
    await page.getByText('001_orders').waitFor();
    const applied = await server.api<{ items: { name: string; sql: string }[] }>('GET', '/api/v1/db/migrations',
                                                                                 server.adminToken);
    expect(applied.items).toEqual([expect.objectContaining({ name: '001_orders',
                                                              sql: expect.stringContaining('CREATE TABLE orders') })]);
  });

  it('shows the quota and what is used of it', async () => {
    await go(page, '#/quota');
    await page.getByRole('heading', { name: 'Quota and usage' }).waitFor();
    const quota = await server.api<{ executions_per_hour: { used: number; limit: number } }>('GET', '/api/v1/quota',
                                                                                            server.adminToken);
    await page.getByText(`${quota.executions_per_hour.used} of ${quota.executions_per_hour.limit.toLocaleString('en-US')}`)
      .waitFor();
    expect(await page.locator('meter').count()).toBe(3);
  });

  it('shows the audit log: who did what, by name, filtered by action, with links to what it was about', async () => {
    const script = await server.api<{ id: string }>('POST', '/api/v1/scripts', server.adminToken,
                                                   { name: 'Audited', type: 'oneoff', source: 'export default () => 1' });
    await go(page, '#/audit');
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    const first = page.locator('table.audit tbody tr').first();
    // The newest entry: the script just made, by the bootstrap token, named.
    await expect.poll(() => first.locator('td').allInnerTexts())
      .toEqual([expect.any(String), 'admin', 'script.created', `script ${script.id}`, expect.any(String)]);
    await first.getByRole('link', { name: `script ${script.id}` }).click();
    await page.getByRole('heading', { name: 'Audited' }).waitFor();

    await go(page, '#/audit');
    await page.fill('#audit-action', 'token.revoked');
    await page.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => page.locator('table.audit tbody tr td:nth-child(3)').allInnerTexts()).toEqual(['token.revoked']);
    expect(page.url()).toContain('action=token.revoked');
  });

  it('shows a viewer neither the tokens nor the secrets, and no way to migrate', async () => {
    const viewerToken = (await server.api<{ token: string }>('POST', '/api/v1/tokens', server.adminToken,
                                                             { role: 'viewer', name: 'looks' })).token;
    const viewer = await signedIn(viewerToken);
    await viewer.getByRole('link', { name: 'Quota' }).waitFor();
    expect(await viewer.getByRole('link', { name: 'Tokens' }).count()).toBe(0);
    expect(await viewer.getByRole('link', { name: 'Secrets' }).count()).toBe(0);
    expect(await viewer.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    await go(viewer, '#/audit');
    await viewer.getByText('Your role may not do this.').waitFor();
    await go(viewer, '#/tokens');
    await viewer.getByText('Your role may not do this.').waitFor();
    await go(viewer, '#/db');
    await viewer.getByText('001_orders').waitFor();
    expect(await viewer.getByRole('button', { name: 'Apply migration' }).count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
