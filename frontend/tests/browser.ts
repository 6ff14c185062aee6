import { inject } from 'vitest';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium, headless, with the flags this sandbox needs (no network beyond loopback). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Addresses of the api and web server the global setup started. */
export function serverUrls(): { webUrl: string; apiUrl: string } {
  const get = inject as unknown as (key: string) => string;
  return { webUrl: get('webUrl'), apiUrl: get('apiUrl') };
}
