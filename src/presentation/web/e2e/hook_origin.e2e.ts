// A tenant's hook is answered on the origin that serves the UI and the API.
// In Chromium, a hook's page must not be able to act as that origin: read a
// signed-in user's token, or register a service worker that would see every
// later request of the UI (its Authorization header included).
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { launchChromium } from './browser';
import { startServer, type RunningServer } from './server';

let server: RunningServer;
let browser: Browser;
let page: Page;

const kStealer = `
<!doctype html><title>hook</title>
<script>
  document.title = 'ran:' + sessionStorage.getItem('jsruntime.token');
  navigator.serviceWorker.register('/hooks/default/worker.js', { scope: '/' })
    .then(() => { document.title += ':registered'; });
</script>`;

async function hook(path: string, answer: string) {
  await server.api('POST', '/api/v1/scripts', server.adminToken, {
    name: `hook ${path}`, type: 'http', http_path: path, http_methods: ['GET'], http_auth: 'none',
    status: 'active', source: `export default () => (${answer});`,
  });
}

beforeAll(async () => {
  server = await startServer();
  browser = await launchChromium();
  page = await (await browser.newContext()).newPage();
  await hook('/page', `{ headers: { 'Content-Type': 'text/html' }, body: ${JSON.stringify(kStealer)} }`);
  await hook('/worker.js',
             `{ headers: { 'Content-Type': 'text/javascript', 'Service-Worker-Allowed': '/' }, body: 'self.onfetch = () => {}' }`);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("a hook's page", () => {
  it("runs no script of its own and cannot read the UI's storage or claim a worker", async () => {
    await page.goto(server.url + '/#/login');
    await page.fill('#token', server.adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Scripts' }).waitFor();

    // The same tab, so the same session storage if the page were the UI's origin.
    const shown = await page.goto(server.url + '/hooks/default/page');
    expect(shown?.status()).toBe(200);
    expect(await page.title()).toBe('hook');
    // Script that got in anyway (here the test's own) runs as an opaque origin.
    expect(await page.evaluate(() => {
      try {
        return sessionStorage.getItem('jsruntime.token') ?? 'nothing';
      } catch (error) {
        return (error as Error).name;
      }
    })).toBe('SecurityError');
    expect(await page.evaluate(async () => {
      try {
        await navigator.serviceWorker.register('/hooks/default/worker.js', { scope: '/' });
        return 'registered';
      } catch (error) {
        return 'refused';
      }
    })).toBe('refused');

    await page.goto(server.url + '/');
    await page.getByRole('heading', { name: 'Scripts' }).waitFor();
    expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length)).toBe(0);
    // Even from the UI's own origin, the hook's worker script is not served as one.
    expect(await page.evaluate(async () => (await fetch('/hooks/default/worker.js')).status)).toBe(500);
  });
});
