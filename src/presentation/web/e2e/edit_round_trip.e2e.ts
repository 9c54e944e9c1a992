// Nothing is lost on edit: a script of each type, made with every optional
// field, has one field changed in the browser's form; every other field the
// API shows is as it was. And a script of every type, an embedded rule
// among them, is listed with its label.
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { messages } from '../src/i18n';
import { launchChromium, signIn } from './browser';
import { startServer, type RunningServer } from './server';

let server: RunningServer;
let browser: Browser;
let page: Page;
const errors: string[] = [];

type Fields = Record<string, unknown>;

const kEveryType: Record<string, Fields> = {
  scheduled: { cron_expression: '*/10 * * * *', timezone: 'Asia/Tashkent', overlap_policy: 'queue',
               misfire_policy: 'backfill', backfill_limit: 3, retry_policy: { max_attempts: 4, initial_backoff_ms: 500,
                                                                              backoff_multiplier: 3, max_backoff_ms: 9000 } },
  http: { http_path: '/stripe', http_methods: ['POST', 'PUT'], http_auth: 'none' },
  event: { event_types: ['order.*', 'payment.processed'],
           retry_policy: { max_attempts: 5, initial_backoff_ms: 200, backoff_multiplier: 2, max_backoff_ms: 4000 } },
  oneoff: {},
  embedded: {},
};

async function create(type: string, fields: Fields): Promise<Fields> {
  return server.api<Fields>('POST', '/api/v1/scripts', server.adminToken, {
    name: `Every field ${type}`, type, description: 'as made', tags: ['kept', type], status: 'active',
    metadata: { team: 'billing', level: 2 }, source: 'export default () => 1',
    resource_limits: { max_execution_time_ms: 7000, max_memory_bytes: 32 * 1024 * 1024, max_concurrent_runs: 2,
                       max_api_calls: 50, max_api_calls_per_minute: 30, max_output_size_bytes: 65536 },
    ...fields,
  });
}

beforeAll(async () => {
  server = await startServer();
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
});

describe('editing in the form', () => {
  for (const [type, fields] of Object.entries(kEveryType)) {
    it(`changes only the description of a ${type} script`, async () => {
      const before = await create(type, fields);
      await page.evaluate((id) => { location.hash = `#/scripts/${id}/edit`; }, before.id as string);
      await page.locator('#description').waitFor();
      await page.fill('#description', 'edited in the browser');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByRole('heading', { name: `Every field ${type}`, exact: true }).waitFor();
      const after = await server.api<Fields>('GET', `/api/v1/scripts/${before.id}`, server.adminToken);
      expect(after.description).toBe('edited in the browser');
      for (const [field, value] of Object.entries(before)) {
        if (field === 'description' || field === 'updated_at') continue;
        expect(after[field], field).toEqual(value);
      }
    });
  }

  it('lists a script of every type with its label, an embedded rule too', async () => {
    await page.evaluate(() => { location.hash = '#/scripts?per_page=50'; });
    for (const type of Object.keys(kEveryType)) {
      const row = page.locator('tr', { hasText: `Every field ${type}` });
      await row.waitFor();
      expect(await row.locator('td').nth(1).textContent())
        .toBe(messages.en[`type.${type}` as keyof typeof messages.en]);
    }
    expect(errors).toEqual([]);
  });
});
