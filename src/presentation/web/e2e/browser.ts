// Debian's Chromium for the browser tests, started as this machine allows,
// and the steps every browser test takes: signing in, pasting code.
import { chromium, type Browser, type Page } from 'playwright-core';

// As the machine's probe found: without these, Chromium keeps calling hosts a closed network refuses.
const kChromiumFlags = ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
                        '--disable-component-update', '--disable-sync'];

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: kChromiumFlags });
}

// Signs `tab` in at the server `base` with `token`, on the scripts page.
export async function signIn(tab: Page, base: string, token: string) {
  await tab.goto(base + '/#/login');
  await tab.fill('#token', token);
  await tab.getByRole('button', { name: 'Sign in' }).click();
  await tab.getByRole('heading', { name: 'Scripts' }).waitFor();
}

// Replaces the code in the page's Monaco editor by pasting it (typed, it
// would gain the brackets the editor closes by itself).
export async function pasteCode(tab: Page, code: string) {
  await tab.locator('.monaco-editor .view-lines').first().click();
  await tab.keyboard.press('Control+A');
  await tab.keyboard.press('Delete');
  await tab.evaluate((text) => {
    const data = new DataTransfer();
    data.setData('text/plain', text);
    document.activeElement!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, code);
}
