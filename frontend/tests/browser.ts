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

/** A JSON call to the api through the web server (setup steps the test does not click through). */
export async function apiCall<T>(
  webUrl: string,
  path: string,
  body: unknown,
  token?: string,
  method = 'POST',
): Promise<T> {
  const res = await fetch(`${webUrl}/api${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}
