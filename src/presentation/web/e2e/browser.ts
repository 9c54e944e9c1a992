// Debian's Chromium for the browser tests, started as this machine allows.
import { chromium, type Browser } from 'playwright-core';

// As the machine's probe found: without these, Chromium keeps calling hosts a closed network refuses.
const kChromiumFlags = ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
                        '--disable-component-update', '--disable-sync'];

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: kChromiumFlags });
}
