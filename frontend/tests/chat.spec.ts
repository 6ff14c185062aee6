import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firmWithPortalClient, launchChromium, serverUrls } from './browser.js';

/**
 * The chat in real Chromium, both sides at once: an accountant in the inbox and the client
 * in its portal's Chat tab exchange messages, see each other typing, watch receipts turn
 * to "lido", and the client sees "Estou Online?" follow the staff page.
 */
describe('Chat between the inbox and the client portal in Chromium', () => {
  let browser: Browser;
  const { webUrl } = serverUrls();
  const slug = `chat-${Date.now().toString(36)}`;
  const staffEmail = `ana@${slug}.com.br`;
  const staffPassword = 'senha-forte-123';
  const cnpj = '11222333000181';
  let clientPassword = '';
  let conversationId = '';

  /** The messages on a page as [seq, sender kind, status], pending ones without a seq. */
  function messages(page: Page) {
    return page
      .getByTestId('message')
      .evaluateAll((els) => els.map((e) => [e.dataset.seq, e.dataset.senderKind, e.dataset.status]));
  }

  function message(page: Page, kind: 'staff' | 'client', text: string) {
    return page.locator(`[data-testid="message"][data-sender-kind="${kind}"]`).filter({ hasText: text });
  }

  beforeAll(async () => {
    browser = await launchChromium();
    const made = await firmWithPortalClient(
      webUrl,
      { name: 'Escritório Horizonte Contábil', slug },
      { email: staffEmail, password: staffPassword },
    );
    clientPassword = made.clientPassword;
    conversationId = made.conversationId;
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('staff and client chat both ways with typing, receipts and presence', async () => {
    // The accountant, in the inbox.
    const staffContext = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      locale: 'pt-BR',
    });
    const staff = await staffContext.newPage();
    await staff.goto(`${webUrl}/login`);
    await staff.getByTestId('staff-email').fill(staffEmail);
    await staff.getByTestId('staff-password').fill(staffPassword);
    await staff.getByTestId('staff-login-submit').click();
    await staff.waitForURL(/\/clientes/);
    await staff.getByTestId('nav-inbox').click();
    await staff.waitForURL(/\/inbox/);
    await staff.getByTestId('inbox-filter-all').waitFor();

    // The client, on a phone, in its portal's Chat tab.
    const clientContext = await browser.newContext({
      viewport: { width: 390, height: 844 },
      locale: 'pt-BR',
    });
    const client = await clientContext.newPage();
    await client.goto(`${webUrl}/@${slug}`);
    await client.getByTestId('portal-confirm').click();
    await client.getByTestId('portal-cnpj').fill(cnpj);
    await client.getByTestId('portal-password-input').fill(clientPassword);
    await client.getByTestId('portal-login-submit').click();
    await client.waitForURL(new RegExp(`/@${slug}/app`));
    await client.getByTestId('tab-chat').click();
    await client.getByTestId('conversation-view').waitFor();
    await client.locator('[data-testid="online-status"][data-state="online"]').waitFor({ timeout: 10_000 });

    // Client → staff. The text carries markup and a link: shown as text, the link as a safe <a>.
    const first = 'Bom dia! <img src=x onerror="alert(1)"> A guia está em https://exemplo.com.br/guia?id=7.';
    await client.getByTestId('composer-input').fill(first);
    await client.getByTestId('composer-input').press('Enter');
    await message(client, 'client', 'Bom dia!').and(client.locator('[data-seq]')).waitFor();

    // The inbox shows it live, unread, and opening it marks it read on both sides.
    const row = staff.locator(`[data-testid="inbox-row"][data-conversation-id="${conversationId}"]`);
    await staff.locator(`[data-testid="inbox-row"][data-unread="1"]`).waitFor();
    expect(await row.textContent()).toContain('Padaria Pão Quente');
    await row.click();
    await staff.getByTestId('conversation-view').waitFor();
    const received = message(staff, 'client', 'Bom dia!');
    await received.waitFor();
    expect(await received.getByTestId('message-text').textContent()).toBe(first);
    expect(await received.locator('img').count()).toBe(0);
    const link = received.getByRole('link', { name: 'https://exemplo.com.br/guia?id=7' });
    expect(await link.getAttribute('href')).toBe('https://exemplo.com.br/guia?id=7');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await link.getAttribute('target')).toBe('_blank');
    await staff.locator(`[data-testid="inbox-row"][data-unread="0"]`).waitFor();
    await message(client, 'client', 'Bom dia!').and(client.locator('[data-status="read"]')).waitFor();

    // Staff types: the client sees "digitando…"; the reply arrives and the indicator goes.
    await staff.getByTestId('composer-input').pressSequentially('Bom dia, já', { delay: 20 });
    await client.getByTestId('typing-indicator').waitFor({ timeout: 5_000 });
    await staff.getByTestId('composer-input').pressSequentially(' vou verificar a guia.', { delay: 5 });
    await staff.getByTestId('composer-send').click();
    const reply = message(client, 'staff', 'Bom dia, já vou verificar a guia.');
    await reply.waitFor();
    expect(await reply.textContent()).toContain('Ana Souza');
    await client.getByTestId('typing-indicator').waitFor({ state: 'detached', timeout: 6_000 });
    // The client's Chat tab is on screen: the staff's receipt turns to "lido".
    await message(staff, 'staff', 'vou verificar a guia')
      .and(staff.locator('[data-status="read"]'))
      .waitFor();

    // Client types back: the staff side sees it, then the message, then its receipt.
    await client.getByTestId('composer-input').pressSequentially('Obrigado', { delay: 20 });
    await staff.getByTestId('typing-indicator').waitFor({ timeout: 5_000 });
    await client.getByTestId('composer-input').pressSequentially('! Aguardo.', { delay: 5 });
    await client.getByTestId('composer-send').click();
    await message(staff, 'client', 'Obrigado! Aguardo.').waitFor();
    await message(client, 'client', 'Obrigado! Aguardo.')
      .and(client.locator('[data-status="read"]'))
      .waitFor();
    await staff.getByTestId('typing-indicator').waitFor({ state: 'detached', timeout: 6_000 });

    // Both sides hold the same history, in seq order, once.
    const clientView = await messages(client);
    const staffView = await messages(staff);
    expect(clientView.map(([seq, kind]) => [seq, kind])).toEqual([
      ['1', 'client'],
      ['2', 'staff'],
      ['3', 'client'],
    ]);
    expect(staffView.map(([seq, kind]) => [seq, kind])).toEqual(clientView.map(([seq, kind]) => [seq, kind]));
    expect(clientView.every(([, , status]) => status === 'read')).toBe(true);

    // The last staff page closes: "Estou Online?" goes offline within seconds.
    await staffContext.close();
    await client.locator('[data-testid="online-status"][data-state="offline"]').waitFor({ timeout: 10_000 });

    await clientContext.close();
  });
});
