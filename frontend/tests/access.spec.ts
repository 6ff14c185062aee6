import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, serverUrls } from './browser.js';

/**
 * The access-management flow in real Chromium, as a firm and its client live it:
 * signup, create and integrate a client, read its password, client login at
 * /@slug, then a block that sends the client's open page back to login.
 */
describe('Gerenciar Permissões and the client portal in Chromium', () => {
  let browser: Browser;
  const { webUrl } = serverUrls();
  const slug = `escritorio-${Date.now().toString(36)}`;
  const cnpj = '11.222.333/0001-81';

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function visibleMenuItem(page: Page, testId: string) {
    const item = page.getByTestId(testId).filter({ visible: true });
    await item.click();
  }

  it('staff signs up, creates and integrates a client, reads its password; the client logs in; a block sends it back to login', async () => {
    const staffContext = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      locale: 'pt-BR',
    });
    const staff = await staffContext.newPage();

    // Signup: the firm and its admin.
    await staff.goto(`${webUrl}/signup`);
    await staff.getByTestId('signup-firm-name').fill('Escritório Horizonte Contábil');
    await staff.getByTestId('signup-slug').fill(slug);
    await staff.getByTestId('signup-admin-name').fill('Ana Souza');
    await staff.getByTestId('signup-email').fill(`ana@${slug}.com.br`);
    await staff.getByTestId('signup-password').fill('senha-forte-123');
    await staff.getByTestId('signup-submit').click();
    await staff.waitForURL(/\/clientes/);
    expect(await staff.getByTestId('staff-firm-name').textContent()).toContain(
      'Escritório Horizonte Contábil',
    );

    // Create a client with a punctuated CNPJ.
    await staff.getByTestId('open-new-client').click();
    await staff.getByTestId('client-form-cnpj').fill(cnpj);
    await staff.getByTestId('client-form-name').fill('Padaria Pão Quente Ltda');
    await staff.getByTestId('client-form-submit').click();
    const row = staff.locator('[data-testid="client-row"][data-cnpj="11222333000181"]');
    await row.waitFor();
    expect(await row.getByTestId('access-status').getAttribute('data-state')).toBe('none');

    // Integrate it: enable access in the permissions dialog; the password shows once.
    await row.getByTestId('row-menu').click();
    await visibleMenuItem(staff, 'menu-permissions');
    await staff.getByTestId('portal-enabled-switch').click();
    await staff.getByTestId('permissions-save').click();
    const shown = staff.getByTestId('portal-password');
    await shown.waitFor();
    const password = (await shown.textContent())?.trim() ?? '';
    expect(password).toMatch(/^[A-Za-z2-9]{4}-[A-Za-z2-9]{4}-[A-Za-z2-9]{4}$/);
    await staff.getByTestId('password-dialog-close').click();
    await expect.poll(() => row.getByTestId('access-status').getAttribute('data-state')).toBe('active');

    // "Ver senha" shows the same password.
    await row.getByTestId('row-menu').click();
    await visibleMenuItem(staff, 'menu-view-password');
    await expect
      .poll(async () => (await staff.getByTestId('portal-password').textContent())?.trim())
      .toBe(password);
    await staff.getByTestId('password-dialog-close').click();

    // The client, in its own browser context, at /@slug.
    const clientContext = await browser.newContext({
      viewport: { width: 390, height: 844 },
      locale: 'pt-BR',
    });
    const client = await clientContext.newPage();
    await client.goto(`${webUrl}/@${slug}`);
    expect(await client.getByTestId('portal-firm-name').textContent()).toContain(
      'Escritório Horizonte Contábil',
    );
    await client.getByTestId('portal-confirm').click();
    await client.getByTestId('portal-cnpj').fill('11222333000181');
    await client.getByTestId('portal-password-input').fill('wrong-password');
    await client.getByTestId('portal-login-submit').click();
    await client.getByTestId('portal-login-error').waitFor();
    await client.getByTestId('portal-password-input').fill(password);
    await client.getByTestId('portal-login-submit').click();
    await client.waitForURL(new RegExp(`/@${slug}/app`));
    await client.getByTestId('portal-home').waitFor();
    expect(await client.getByTestId('portal-client-name').textContent()).toContain('Padaria Pão Quente');
    // Default permissions include chat, so its tab is there; "Estou Online?" sees the staff tab.
    await client.getByTestId('tab-chat').waitFor();
    await expect.poll(() => client.getByTestId('online-status').getAttribute('data-state')).toBe('online');

    // Staff blocks the client: its open page goes back to login, with the reason.
    await row.getByTestId('row-menu').click();
    await visibleMenuItem(staff, 'menu-block');
    await staff.getByTestId('confirm-button').click();
    await expect.poll(() => row.getByTestId('access-status').getAttribute('data-state')).toBe('blocked');
    await client.waitForURL(new RegExp(`/@${slug}(\\?|$)`), { timeout: 10_000 });
    const revoked = client.getByTestId('revoked-message');
    await revoked.waitFor();
    expect(await revoked.getAttribute('data-reason')).toBe('blocked');

    // And it can't log back in while blocked.
    await client.getByTestId('portal-cnpj').fill(cnpj);
    await client.getByTestId('portal-password-input').fill(password);
    await client.getByTestId('portal-login-submit').click();
    await expect
      .poll(async () => (await client.getByTestId('portal-login-error').textContent()) ?? '')
      .toMatch(/bloquead/i);

    await staffContext.close();
    await clientContext.close();
  });

  it('"acessar como cliente" opens the client area read-only with a banner', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const staff = await ctx.newPage();
    await staff.goto(`${webUrl}/login`);
    await staff.getByTestId('staff-email').fill(`ana@${slug}.com.br`);
    await staff.getByTestId('staff-password').fill('senha-forte-123');
    await staff.getByTestId('staff-login-submit').click();
    await staff.waitForURL(/\/clientes/);
    const row = staff.locator('[data-testid="client-row"][data-cnpj="11222333000181"]');
    await row.getByTestId('row-menu').click();
    const [tab] = await Promise.all([ctx.waitForEvent('page'), visibleMenuItem(staff, 'menu-impersonate')]);
    await tab.waitForURL(new RegExp(`/@${slug}/app`));
    await tab.getByTestId('impersonation-banner').waitFor();
    expect(await tab.getByTestId('portal-home').getAttribute('data-read-only')).toBe('true');
    expect(tab.url()).not.toContain('#imp=');
    // The audit log shows who looked.
    await row.getByTestId('row-menu').click();
    await visibleMenuItem(staff, 'menu-history');
    await staff.locator('[data-testid="history-entry"][data-action="client.impersonated"]').first().waitFor();
    await ctx.close();
  });
});
