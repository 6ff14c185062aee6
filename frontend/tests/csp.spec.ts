import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firmWithPortalClient, launchChromium, serverUrls } from './browser.js';

/**
 * The app under its own Content-Security-Policy (kit.csp in svelte.config.js): the staff
 * login, every staff page, and the client portal with each of its tabs, in real Chromium,
 * with every violation collected, from the console and from `securitypolicyviolation`.
 */
describe('Content-Security-Policy in Chromium', () => {
  let browser: Browser;
  const { webUrl } = serverUrls();
  const slug = `csp-${Date.now().toString(36)}`;
  const staffEmail = `ana@${slug}.com.br`;
  const staffPassword = 'senha-forte-123';
  const cnpj = '11222333000181';
  let clientPassword = '';
  const violations: string[] = [];

  async function watchedContext(viewport: { width: number; height: number }): Promise<BrowserContext> {
    const ctx = await browser.newContext({ viewport, locale: 'pt-BR' });
    await ctx.exposeBinding('__cspViolation', ({ page }, text: string) =>
      violations.push(`${page.url()}: ${text}`),
    );
    await ctx.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        const report = (window as unknown as { __cspViolation: (text: string) => void }).__cspViolation;
        report(
          `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`,
        );
      });
    });
    ctx.on('console', (msg) => {
      if (/content security policy/i.test(msg.text())) violations.push(`console: ${msg.text()}`);
    });
    return ctx;
  }

  beforeAll(async () => {
    browser = await launchChromium();
    const made = await firmWithPortalClient(
      webUrl,
      { name: 'Escritório Política Segura', slug },
      { email: staffEmail, password: staffPassword },
    );
    clientPassword = made.clientPassword;
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('the staff login and staff pages run without a violation', async () => {
    const ctx = await watchedContext({ width: 1280, height: 800 });
    const staff = await ctx.newPage();
    const response = await staff.goto(`${webUrl}/login`);
    expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self' 'nonce-/);
    await staff.getByTestId('staff-email').fill(staffEmail);
    await staff.getByTestId('staff-password').fill(staffPassword);
    await staff.getByTestId('staff-login-submit').click();
    await staff.waitForURL(/\/clientes/);
    await staff.locator('[data-testid="client-row"]').first().waitFor();
    // Client-side navigation, then a full load of each page (a fresh document and nonce).
    for (const page of ['inbox', 'monitor', 'equipe', 'clientes']) {
      await staff.getByTestId(`nav-${page}`).click();
      await staff.waitForURL(new RegExp(`/${page}`));
    }
    for (const page of ['inbox', 'monitor', 'equipe', 'guias', 'documentos', 'clientes']) {
      await staff.goto(`${webUrl}/${page}`);
      // Narrow windows hide the firm's name (the bar keeps room for the navigation).
      await staff.getByTestId('staff-firm-name').waitFor({ state: 'attached' });
    }
    expect(violations).toEqual([]);
    await ctx.close();
  });

  it('the client portal, its login and each of its tabs run without a violation', async () => {
    const ctx = await watchedContext({ width: 390, height: 844 });
    const client = await ctx.newPage();
    await client.goto(`${webUrl}/@${slug}`);
    await client.getByTestId('portal-confirm').click();
    await client.getByTestId('portal-cnpj').fill(cnpj);
    await client.getByTestId('portal-password-input').fill(clientPassword);
    await client.getByTestId('portal-login-submit').click();
    await client.waitForURL(new RegExp(`/@${slug}/app`));
    await client.getByTestId('portal-home').waitFor();
    const tabs = await client
      .locator('[data-testid^="tab-"]')
      .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.testid ?? ''));
    expect(tabs).toContain('tab-chat');
    for (const tab of tabs) {
      await client.getByTestId(tab).click();
      await client.getByTestId(`panel-${tab.slice('tab-'.length)}`).waitFor();
    }
    // The chat works under the policy: the socket connects and a message is stored.
    await client.getByTestId('tab-chat').click();
    await client.getByTestId('composer-input').fill('Bom dia, tudo certo com a política?');
    await client.getByTestId('composer-input').press('Enter');
    await client.locator('[data-testid="message"][data-seq]').first().waitFor();
    expect(violations).toEqual([]);
    await ctx.close();
  });
});
