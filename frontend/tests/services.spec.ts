import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firmWithPortalClient, horizontalOverflow, launchChromium, serverUrls } from './browser.js';

/**
 * Serviços end to end in real Chromium, two people at once: staff build a form in the
 * builder (1366 px); the client, on a 390 px phone, finds it in Serviços, trips over the
 * inline pt-BR checks (a CPF with a wrong digit), fixes it, and sends it; staff find the
 * order, read its answers and move it to concluída; the client's order page turns
 * Concluída by itself, and the chat carries the order's card.
 */
describe('Serviços: staff build a form, the client fills it on a phone, both follow it live', () => {
  let browser: Browser;
  const { webUrl } = serverUrls();
  const slug = `servicos-${Date.now().toString(36)}`;
  const staffEmail = `ana@${slug}.com.br`;
  const staffPassword = 'senha-forte-123';
  let clientPassword = '';
  let staffContext: BrowserContext;
  let clientContext: BrowserContext;
  let staff: Page;
  let client: Page;

  beforeAll(async () => {
    browser = await launchChromium();
    const made = await firmWithPortalClient(
      webUrl,
      { name: 'Escritório Serviços em Dia', slug },
      { email: staffEmail, password: staffPassword },
    );
    clientPassword = made.clientPassword;
    staffContext = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'pt-BR' });
    clientContext = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'pt-BR' });
    staff = await staffContext.newPage();
    client = await clientContext.newPage();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('goes from the builder to concluída, with the client seeing each step', async () => {
    // Staff log in and build "Admissão de funcionário" from scratch.
    await staff.goto(`${webUrl}/login`);
    await staff.getByTestId('staff-email').fill(staffEmail);
    await staff.getByTestId('staff-password').fill(staffPassword);
    await staff.getByTestId('staff-login-submit').click();
    await staff.waitForURL(/\/(clientes|inbox)/);
    await staff.getByTestId('nav-servicos').click();
    await staff.waitForURL(/\/servicos$/);
    await staff.getByTestId('so-forms-link').click();
    await staff.getByTestId('fb-new').click();
    await staff.getByTestId('form-builder').waitFor();
    await staff.getByTestId('fb-title').fill('Admissão de funcionário');
    await staff.getByTestId('fb-sla').fill('3');
    const addField = async (type: string, label: string, required: boolean) => {
      await staff.getByTestId('fb-add-field').click();
      await staff.getByTestId(`fb-add-field-${type}`).click();
      const field = staff.getByTestId('fb-field').last();
      await field.getByTestId('fb-field-label').fill(label);
      if (required) await field.getByTestId('fb-field-required').check();
    };
    await addField('text', 'Nome completo', true);
    await addField('cpf', 'CPF', true);
    await addField('money', 'Salário', true);
    await addField('yesno', 'Contrato de experiência?', false);
    // The keys follow the labels; the preview shows the form as the client will see it.
    await expect
      .poll(() =>
        staff.getByTestId('fb-field-key').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)),
      )
      .toEqual(['nome_completo', 'cpf', 'salario', 'contrato_de_experiencia']);
    await expect
      .poll(() => staff.getByTestId('fb-preview').textContent())
      .toContain('Contrato de experiência?');
    await staff.getByTestId('fb-save').click();
    await staff.waitForURL(/\/servicos\/formularios\/[0-9a-f]{24}$/);
    await expect.poll(() => staff.getByTestId('fb-version').textContent()).toContain('1');

    // The client logs in on a phone and opens Serviços.
    await client.goto(`${webUrl}/@${slug}`);
    await client.getByTestId('portal-confirm').click();
    await client.getByTestId('portal-cnpj').fill('11.222.333/0001-81');
    await client.getByTestId('portal-password-input').fill(clientPassword);
    await client.getByTestId('portal-login-submit').click();
    await client.waitForURL(new RegExp(`/@${slug}/app/inicio$`));
    await client.goto(`${webUrl}/@${slug}/app/servicos`);
    const card = client.getByTestId('svc-form-card').filter({ hasText: 'Admissão de funcionário' });
    await card.click();
    await client.waitForURL(/\/app\/servicos\/novo\/[0-9a-f]{24}$/);
    await client.getByTestId('svc-form').waitFor();

    // Sending it empty names every required field, in pt-BR, and focuses the first.
    await client.getByTestId('svc-submit').click();
    await client.getByTestId('svc-field-error-nome_completo').waitFor();
    expect(await client.getByTestId('svc-field-error-cpf').textContent()).toContain(
      'Preenchimento obrigatório',
    );
    await expect
      .poll(() => client.evaluate(() => document.activeElement?.id))
      .toBe('svc-input-nome_completo');

    await client.getByTestId('svc-input-nome_completo').fill('Maria da Silva');
    // A CPF pasted with punctuation and one wrong digit: the check digits catch it on blur.
    await client.getByTestId('svc-input-cpf').fill('529.982.247-24');
    await client.getByTestId('svc-input-salario').click();
    await expect
      .poll(() => client.getByTestId('svc-field-error-cpf').textContent())
      .toContain('CPF inválido: confira os dígitos');
    await client.getByTestId('svc-input-cpf').fill('529.982.247-25');
    await client.getByTestId('svc-input-salario').fill('3.500,00');
    await client.getByTestId('svc-field-contrato_de_experiencia-sim').check();
    expect(await client.getByTestId('svc-field-error-cpf').count()).toBe(0);
    expect(await horizontalOverflow(client)).toBeLessThanOrEqual(0);
    await client.getByTestId('svc-submit').click();
    await client.waitForURL(/\/app\/servicos\/[0-9a-f]{24}$/);
    const order = client.getByTestId('svc-order');
    await order.waitFor();
    expect(await order.getAttribute('data-status')).toBe('open');
    expect(await client.getByTestId('svc-answer-salario').textContent()).toContain('3.500,00');
    expect(await client.getByTestId('svc-answer-cpf').textContent()).toContain('529.982.247-25');
    expect(await horizontalOverflow(client)).toBeLessThanOrEqual(0);
    const orderUrl = client.url();
    const orderId = orderUrl.split('/').pop()!;

    // Staff see it in the list (live) and open it: the answers as sent.
    await staff.goto(`${webUrl}/servicos`);
    const row = staff.locator(`[data-testid="so-row"][data-order-id="${orderId}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('open');
    await row.click();
    await staff.waitForURL(new RegExp(`/servicos/${orderId}$`));
    await expect.poll(() => staff.getByTestId('so-answers').textContent()).toContain('Maria da Silva');
    expect(await staff.getByTestId('so-answers').textContent()).toContain('R$');

    // Staff move it to concluída with a note; the client's page follows without a reload.
    await staff.getByTestId('so-status-select').selectOption('done');
    await staff.getByTestId('so-status-note').fill('Admissão registrada no eSocial.');
    await staff.getByTestId('so-status-save').click();
    await expect.poll(() => order.getAttribute('data-status'), { timeout: 10_000 }).toBe('done');
    expect(client.url()).toBe(orderUrl);
    await expect.poll(() => client.getByTestId('svc-order').textContent()).toContain('Concluída');
    await expect
      .poll(() => client.getByTestId('svc-timeline').textContent())
      .toContain('Admissão registrada no eSocial.');

    // The list says so too, and the chat carries the order's card, linking back to it.
    await client.goto(`${webUrl}/@${slug}/app/servicos`);
    const mine = client.locator(`[data-testid="svc-order-row"][data-order-id="${orderId}"]`);
    await mine.waitFor();
    expect(await mine.getAttribute('data-status')).toBe('done');
    await client.goto(`${webUrl}/@${slug}/app/chat`);
    const cardInChat = client.getByTestId('chat-service-order').last();
    await cardInChat.waitFor();
    expect(await cardInChat.textContent()).toContain('Admissão de funcionário');
    await cardInChat.click();
    await client.waitForURL(new RegExp(`/app/servicos/${orderId}$`));
    // Back returns to the chat.
    await client.goBack();
    await client.waitForURL(/\/app\/chat$/);
  });
});
