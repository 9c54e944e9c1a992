// The web UI in Debian's Chromium against the real server, as its users
// would go through it: sign in, write a script in the editor, run it, edit
// it, compare and roll back versions, schedule one, replay a dead letter,
// read it all in Russian and Uzbek, and look at it as a viewer. A screenshot
// of every page in English, Russian and Uzbek goes to $JSR_SCREENSHOTS.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { messages, type Locale } from '../src/i18n';
import { en, type MessageKey } from '../src/locales/en';
import { launchChromium, pasteCode as pasteInto, signIn as signInAt } from './browser';
import { eventually, startServer, type RunningServer } from './server';

const screenshots = process.env.JSR_SCREENSHOTS ?? join(process.cwd(), 'screenshots');

let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const errors: string[] = [];
const scriptEncodings = new Map<string, string>();  // each JavaScript file loaded → its Content-Encoding

async function newPage(target: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const opened = await target.newContext({ locale: 'en-US', viewport: { width: 1200, height: 900 } });
  opened.setDefaultTimeout(15_000);
  const tab = await opened.newPage();
  tab.on('pageerror', (error) => errors.push(error.message));
  tab.on('response', (response) => {
    if (/\/assets\/.*\.js$/.test(response.url())) scriptEncodings.set(response.url(), response.headers()['content-encoding'] ?? '');
  });
  // A refused request (the wrong token's 401) is logged by Chromium too: that is the test's doing, not the page's.
  tab.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) errors.push(message.text());
  });
  return { context: opened, page: tab };
}

async function shoot(name: string) {
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

const pasteCode = (code: string) => pasteInto(page, code);

const go = async (hash: string) => page.evaluate((target) => { location.hash = target; }, hash);

// Every English message (with its placeholders as wildcards) that the locale translates.
function englishPatterns(locale: Locale): { key: string; pattern: RegExp }[] {
  return (Object.keys(en) as MessageKey[])
    .filter((key) => messages[locale][key] !== en[key])
    .map((key) => ({
      key,
      pattern: new RegExp('^' + en[key].replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '.+?') + '$'),
    }));
}

// The texts a reader sees (and the labels a screen reader reads), split where the UI joins messages.
async function visibleTexts(): Promise<string[]> {
  return page.evaluate(() => {
    // Code, and what scripts wrote (<samp>: their errors and log lines), are not the UI's to translate.
    const skip = '.monaco-editor, .monaco-diff-editor, pre, code, samp, .code, .url, script, style';
    const texts: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement?.closest(skip)) continue;
      texts.push(node.textContent ?? '');
    }
    for (const element of document.querySelectorAll('[aria-label], [placeholder], [title]')) {
      if (element.closest(skip)) continue;
      for (const name of ['aria-label', 'placeholder', 'title']) texts.push(element.getAttribute(name) ?? '');
    }
    return texts.flatMap((text) => text.split(/: | · /)).map((text) => text.trim()).filter((text) => text !== '');
  });
}

async function expectNoEnglish(locale: Locale, where: string) {
  const patterns = englishPatterns(locale);
  const left = (await visibleTexts()).flatMap((text) =>
    patterns.filter(({ pattern }) => pattern.test(text)).map(({ key }) => `${key}: "${text}"`));
  expect(left, `English left on ${where} in ${locale}`).toEqual([]);
}

let greeterId = '';
let executionId = '';
let letterId = '';

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  server = await startServer();
  browser = await launchChromium();
  ({ context, page } = await newPage(browser));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the web UI', () => {
  it('signs in with a token and shows the empty list', async () => {
    await page.goto(server.url + '/');
    await page.fill('#token', 'jsr_not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('form > p[role="alert"]').textContent()).toBe('This token was not accepted.');
    // By keyboard alone: the field has the focus on arrival, Enter submits, and the focus moves to the new page's heading.
    await page.reload();
    await page.locator('#token:focus').waitFor();
    await page.keyboard.type(server.adminToken);
    await page.keyboard.press('Enter');
    await page.getByText('No scripts yet.').waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Scripts');
  });

  it('writes a script in Monaco: syntax errors marked before saving, SDK completion', async () => {
    const typingsAnswers: string[] = [];
    page.on('response', (response) => {
      if (response.url().endsWith('/sdk.d.ts')) typingsAnswers.push(String(response.status()));
    });
    await page.getByRole('link', { name: 'New script' }).click();
    await page.locator('.monaco-editor').waitFor();
    await page.fill('#name', 'Greeter');
    await page.fill('#tags', 'demo, greetings');
    // A syntax error first: once it is marked, Monaco's TypeScript worker is up (on a loaded machine
    // its first start takes seconds, and a completion asked before then comes back empty).
    await pasteCode('export default async (input) => {\n  return input.n +;\n}\n');
    await expect.poll(() => page.locator('.problems li').allInnerTexts(), { timeout: 60_000 })
      .toEqual([expect.stringMatching(/^Line 2, column \d+: Expression expected/)]);
    await expect.poll(() => page.locator('.monaco-editor .squiggly-error').count()).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.locator('form > p[role="alert"]').textContent()).toContain('syntax errors');
    expect(page.url()).toMatch(/#\/new$/);

    await pasteCode('export default async (input) => {\n  sdk.http');
    await page.keyboard.type('.');  // as typed: the member list opens by itself
    const suggestions = page.locator('.suggest-widget .monaco-list-row');
    // On a loaded machine the list may come after the widget gave up waiting: asked again, as a user
    // would — but not while the widget still waits ("Loading..."): asking then starts the wait over,
    // and a worker slower than the asking would never answer. A wait of 20 s is given up, as a user
    // would (Escape, ask again), in case that request was lost.
    const widgetState = () => page.evaluate(() => {
      const widget = document.querySelector('.suggest-widget');
      return widget === null ? 'no widget' : `${widget.className}: ${widget.querySelector('.message')?.textContent ?? ''}`;
    });
    let waitingSince: number | null = null;
    let lastState = '';
    const offeredCount = () => expect.poll(async () => {
      const shown = await suggestions.count();
      lastState = await widgetState();
      const waiting = lastState.includes(' visible') && lastState.endsWith('Loading...');
      if (shown > 0) return shown;
      if (waiting && Date.now() - (waitingSince ??= Date.now()) < 20_000) return shown;
      // A widget left open ("No suggestions.") may not ask again on Control+Space: closed first.
      if (lastState.includes(' visible')) await page.keyboard.press('Escape');
      waitingSince = null;
      await page.keyboard.press('Control+Space');
      return shown;
    }, { timeout: 60_000, interval: 2_000 }).toBeGreaterThan(0);
    try {
      await offeredCount();
    } catch (error) {
      throw new Error(`no SDK members offered; the suggest widget was "${lastState}"; sdk.d.ts answered: ` +
                      `[${typingsAnswers.join(', ')}]`, { cause: error });
    }
    const offered = (await suggestions.allInnerTexts()).map((text) => text.split('\n')[0]);
    expect(offered).toEqual(expect.arrayContaining(['get', 'post', 'put', 'patch', 'delete', 'request']));
    await page.keyboard.press('Escape');

    await pasteCode("export default async (input) => {\n  sdk.log.info('greeting', { n: input.n });\n" +
                   "  return { greeting: 'hello', n: input.n + 1 };\n}\n");
    await expect.poll(() => page.locator('.problems li').count()).toBe(0);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('heading', { name: 'Greeter', exact: true }).waitFor();
    greeterId = /#\/scripts\/([\w-]+)$/.exec(page.url())![1];
  }, 120_000);

  it('runs it with an input: the execution and its logs appear without reloading', async () => {
    await page.fill('#input', '{n: 41');
    await page.getByRole('button', { name: 'Run' }).click();
    await expect.poll(() => page.locator('#input-notice').textContent()).toContain('The input is not JSON');
    expect(await page.locator('#input').getAttribute('aria-invalid')).toBe('true');

    await page.fill('#input', '{"n": 41}');
    await page.getByRole('button', { name: 'Run' }).click();
    const completed = page.locator('section[aria-labelledby="history-heading"] a', { hasText: 'Completed' });
    await completed.waitFor();
    await shoot('script-en');
    await completed.click();
    await page.getByRole('heading', { name: 'Execution: Completed' }).waitFor();
    expect(JSON.parse((await page.locator('pre').nth(1).textContent())!)).toEqual({ greeting: 'hello', n: 42 });
    await expect.poll(() => page.locator('.logs li').allInnerTexts()).toEqual([expect.stringContaining('greeting')]);
    executionId = /#\/executions\/([\w-]+)$/.exec(page.url())![1];
    await shoot('execution-en');
  });

  it('changes the status as the life cycle allows', async () => {
    await go(`#/scripts/${greeterId}`);
    await page.getByRole('button', { name: 'Activate' }).click();
    await expect.poll(() => page.locator('dd .status').textContent()).toBe('Active');
    expect(await page.getByRole('button', { name: 'Activate' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Pause' }).waitFor();
  });

  it('edits the code, compares two versions and rolls back with a reason', async () => {
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.locator('.monaco-editor').waitFor();
    await pasteCode("export default async (input) => {\n  return { greeting: 'hi', n: input.n + 2 };\n}\n");
    await page.fill('#change_description', 'adds two');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('heading', { name: 'Greeter', exact: true }).waitFor();
    await page.getByRole('link', { name: 'Versions' }).click();
    await page.getByRole('heading', { name: 'Versions of “Greeter”' }).waitFor();
    await expect.poll(() => page.locator('tbody tr').count()).toBe(2);
    await page.locator('.monaco-diff-editor').waitFor();
    await expect.poll(() => page.locator('.monaco-diff-editor .line-insert, .monaco-diff-editor .char-insert').count())
      .toBeGreaterThan(0);
    await shoot('versions-en');

    await page.selectOption('#rollback-version', '1');
    await page.fill('#rollback-reason', 'the new greeting confused people');
    await page.getByRole('button', { name: 'Roll back' }).click();
    await page.getByText('Rolled back: version 3 is now current.').waitFor();
    await page.getByRole('cell', { name: 'rollback to version 1: the new greeting confused people' }).waitFor();
    const script = await server.api<{ version: number; source: string }>('GET', `/api/v1/scripts/${greeterId}`,
                                                                         server.adminToken);
    const first = await server.api<{ source: string }>('GET', `/api/v1/scripts/${greeterId}/versions/1`, server.adminToken);
    expect(script.version).toBe(3);
    expect(script.source).toBe(first.source);
  });

  it('shows a schedule\'s next runs in its time zone while it is typed', async () => {
    await go('#/new');
    await page.locator('.monaco-editor').waitFor();
    await page.fill('#name', 'Morning report');
    await page.selectOption('#type', 'scheduled');
    expect(await page.locator('#http_path').isVisible()).toBe(false);
    await page.fill('#cron_expression', '61 9 * * *');
    await expect.poll(() => page.locator('.next-runs li.error').textContent()).toContain('cron_expression');
    await page.fill('#cron_expression', '30 9 * * *');
    await page.fill('#timezone', 'Asia/Tashkent');
    await expect.poll(() => page.locator('.next-runs li').allInnerTexts())
      .toEqual(Array(5).fill(expect.stringContaining('9:30:00 AM')));
    const times = await page.locator('.next-runs time').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('datetime')));
    expect(times.every((time) => time!.endsWith('T04:30:00.000Z'))).toBe(true);  // 09:30 at UTC+5
    await shoot('form-en');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('heading', { name: 'Morning report', exact: true }).waitFor();
    await page.getByText('30 9 * * * (Asia/Tashkent)').waitFor();
  });

  it('replays a dead letter with an edited payload', async () => {
    await server.api('POST', '/api/v1/scripts', server.adminToken, {
      name: 'Receipt mailer', type: 'event', status: 'active', event_types: ['payment.processed'],
      retry_policy: { max_attempts: 1, initial_backoff_ms: 0, backoff_multiplier: 1, max_backoff_ms: 0 },
      source: "export default (input) => {\n  if (!input.email) throw new Error('no email');\n  return { sent: input.email };\n}\n",
    });
    await server.api('POST', '/api/v1/events', server.adminToken, { type: 'payment.processed', payload: { amount: 5 } });
    letterId = await eventually(async () => {
      const letters = await server.api<{ items: { id: string }[] }>('GET', '/api/v1/dead-letters', server.adminToken);
      return letters.items[0]?.id;
    }, 'the dead letter');

    await page.getByRole('link', { name: 'Dead letters' }).click();
    await page.getByRole('heading', { name: 'Dead letters' }).waitFor();
    await page.getByRole('link', { name: 'payment.processed' }).waitFor();
    await page.getByRole('link', { name: 'Receipt mailer' }).waitFor();  // the script by its name, not its id
    await shoot('dead-letters-en');
    await page.getByRole('link', { name: 'payment.processed' }).click();
    await page.getByRole('heading', { name: 'Dead letter: payment.processed' }).waitFor();
    expect(JSON.parse(await page.inputValue('#payload'))).toEqual({ amount: 5 });
    await page.getByText('no email').waitFor();
    await page.fill('#payload', '{"amount": 5, "email": "buyer@example.com"}');
    await page.getByRole('button', { name: 'Replay', exact: true }).click();
    await page.locator('dd', { hasText: 'Replayed' }).waitFor();
    // The letter leads to its replay's run once it exists (the page waits for it).
    await page.getByRole('link', { name: 'Replayed: open the replay’s run' }).click();
    await page.getByRole('heading', { name: 'Execution: Completed' }).waitFor();
    const run = await server.api<{ output: unknown; trigger_type: string }>(
      'GET', `/api/v1/executions/${/#\/executions\/([\w-]+)$/.exec(page.url())![1]}`, server.adminToken);
    expect(run).toMatchObject({ output: { sent: 'buyer@example.com' }, trigger_type: 'event' });
  });

  it('speaks Russian and Uzbek on every page, with no English left', async () => {
    const pages: [string, string, string][] = [
      ['scripts', '#/scripts', 'table'],
      ['script', `#/scripts/${greeterId}`, 'section[aria-labelledby="history-heading"] table'],
      ['execution', `#/executions/${executionId}`, '.logs'],
      ['versions', `#/scripts/${greeterId}/versions`, '.monaco-diff-editor'],
      ['form', '#/new', '.monaco-editor'],
      ['dry-run', `#/scripts/${greeterId}/edit`, 'pre.dry-run-input:not([hidden])'],
      ['dead-letters', '#/dead-letters?status=replayed', 'tbody tr'],
      ['dead-letter', `#/dead-letters/${letterId}`, '#payload'],
      ['tokens', '#/tokens', 'table'],
      ['secrets', '#/secrets', '#secret-name'],
      ['database', '#/db', '#migration-name'],
      ['audit', '#/audit', 'table.audit'],
      ['quota', '#/quota', 'meter'],
    ];
    // Every page in every language, each left as a screenshot ($JSR_SCREENSHOTS/<page>-<locale>.png).
    for (const locale of ['en', 'ru', 'uz'] as const) {
      await page.selectOption('#language', locale);
      for (const [name, hash, ready] of pages) {
        await go(hash);
        await page.locator(ready).first().waitFor().catch(async (error) => {
          await shoot(`failed-${name}-${locale}`);
          throw new Error(`${name} in ${locale} did not show ${ready}: ${error}`);
        });
        await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(locale);
        if (locale !== 'en') await expectNoEnglish(locale, name);
        await shoot(`${name}-${locale}`);
      }
    }
    // The choice is remembered.
    await page.reload();
    await page.locator('#language').waitFor();
    expect(await page.inputValue('#language')).toBe('uz');
    await page.selectOption('#language', 'en');
    await page.getByRole('heading', { name: 'Quota and usage' }).waitFor();
    await go('#/scripts');
    await page.getByRole('link', { name: 'Greeter' }).waitFor();
    await shoot('scripts-en');
    await page.getByRole('link', { name: 'greetings' }).click();
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    expect(page.url()).toContain('tag=greetings');
    expect(await page.inputValue('#tag')).toBe('greetings');
  });

  it('shows a viewer no button it may not use', async () => {
    const viewer = await server.api<{ token: string }>('POST', '/api/v1/tokens', server.adminToken,
                                                        { role: 'viewer', name: 'auditor' });
    await server.api('POST', '/api/v1/events', server.adminToken, { type: 'payment.processed', payload: { amount: 7 } });
    const dead = await eventually(async () => {
      const letters = await server.api<{ items: { id: string }[] }>('GET', '/api/v1/dead-letters?status=dead',
                                                                   server.adminToken);
      return letters.items[0]?.id;
    }, 'a second dead letter');
    const { context: viewing, page: tab } = await newPage(browser);
    try {
      await signInAt(tab, server.url, viewer.token);
      await tab.getByRole('link', { name: 'Greeter' }).waitFor();
      expect(await tab.getByRole('link', { name: 'New script' }).count()).toBe(0);
      await tab.getByRole('link', { name: 'Greeter' }).click();
      await tab.getByRole('heading', { name: 'Greeter' }).waitFor();
      await tab.locator('section[aria-labelledby="history-heading"] table').waitFor();
      for (const name of ['Edit', 'Delete', 'Run', 'Pause', 'Disable', 'Archive']) {
        expect(await tab.getByRole('button', { name, exact: true }).count(), name).toBe(0);
        expect(await tab.getByRole('link', { name, exact: true }).count(), name).toBe(0);
      }
      await tab.getByRole('link', { name: 'Versions' }).click();
      await tab.locator('.monaco-diff-editor').waitFor();
      expect(await tab.getByRole('button', { name: 'Roll back' }).count()).toBe(0);
      await tab.evaluate((id) => { location.hash = `#/dead-letters/${id}`; }, dead);
      await tab.locator('#payload').waitFor();
      expect(await tab.locator('#payload').getAttribute('readonly')).not.toBeNull();
      expect(await tab.getByRole('button', { name: 'Replay' }).count()).toBe(0);
      expect(await tab.getByRole('button', { name: 'Discard' }).count()).toBe(0);
    } finally {
      await viewing.close();
    }
  });

  it('fits a phone\'s width without scrolling sideways', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      for (const [hash, ready] of [['#/scripts', 'tbody tr'], [`#/scripts/${greeterId}`, '.monaco-editor'],
                                   [`#/executions/${executionId}`, '.logs'], ['#/new', '.monaco-editor'],
                                   ['#/dead-letters?status=replayed', 'tbody tr']]) {
        await go(hash);
        await page.locator(ready).first().waitFor();
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, hash).toBeLessThanOrEqual(0);
      }
      await go(`#/scripts/${greeterId}`);
      await page.locator('section[aria-labelledby="history-heading"] table').waitFor();
      await shoot('script-phone-en');
    } finally {
      await page.setViewportSize({ width: 1200, height: 900 });
    }
  });

  it('raised no script error in the pages, and got its code gzipped', () => {
    expect(errors).toEqual([]);
    expect([...scriptEncodings.keys()].some((url) => url.includes('ts.worker'))).toBe(true);
    expect([...scriptEncodings.values()].every((encoding) => encoding === 'gzip')).toBe(true);
  });
});

afterAll(async () => {
  await context?.close();
});
