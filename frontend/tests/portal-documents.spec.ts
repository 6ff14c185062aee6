import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  firmWithPortalClient,
  horizontalOverflow,
  launchChromium,
  minimalPdf,
  serverUrls,
} from './browser.js';

/** The page never scrolls sideways (phones: 360–390 px). */

/**
 * Guias and documents in the client portal, on a phone, in real Chromium: the firm sends a
 * document through the API; the client, already on Início, sees it arrive live, finds it in
 * Processos under its type, opens it by its own address (`?doc=`), downloads it, and the
 * firm's trail records both. The tabs are routes: reload keeps the place, Back goes back.
 */
describe('Client portal documents on a phone in Chromium', () => {
  let browser: Browser;
  const { webUrl } = serverUrls();
  const slug = `docs-${Date.now().toString(36)}`;
  const cnpj = '11222333000181';
  let staffToken = '';
  let clientPassword = '';
  let clientId = '';

  async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${webUrl}/api${path}`, {
      method,
      headers: {
        authorization: `Bearer ${staffToken}`,
        ...(body instanceof FormData || body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body instanceof FormData ? body : body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
    return JSON.parse(text) as T;
  }

  beforeAll(async () => {
    browser = await launchChromium();
    const made = await firmWithPortalClient(
      webUrl,
      { name: 'Escritório Documentos em Dia', slug },
      { email: `ana@${slug}.com.br`, password: 'senha-forte-123' },
    );
    staffToken = made.token;
    clientPassword = made.clientPassword;
    const clients = await api<{ items: { id: string; cnpj: string }[] }>('GET', '/clients');
    clientId = clients.items.find((c) => c.cnpj === cnpj)?.id ?? '';
    expect(clientId).not.toBe('');
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('the client sees a document the firm sent, opens it by its address and downloads it; tabs are routes', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      locale: 'pt-BR',
      acceptDownloads: true,
    });
    const client = await context.newPage();
    await client.goto(`${webUrl}/@${slug}`);
    await client.getByTestId('portal-confirm').click();
    await client.getByTestId('portal-cnpj').fill(cnpj);
    await client.getByTestId('portal-password-input').fill(clientPassword);
    await client.getByTestId('portal-login-submit').click();
    // /@slug/app opens Início, at its own address.
    await client.waitForURL(new RegExp(`/@${slug}/app/inicio$`));
    await client.getByTestId('panel-inicio').waitFor();
    await client.getByTestId('documents-empty').waitFor();
    expect(await horizontalOverflow(client)).toBeLessThanOrEqual(0);

    // The firm sends a certidão while the client looks at Início: it arrives without a reload.
    const form = new FormData();
    form.append('clientId', clientId);
    form.append('category', 'certidao');
    form.append('title', 'Certidão Negativa de Débitos federais');
    form.append('file', new Blob([minimalPdf()], { type: 'application/pdf' }), 'cnd-federal.pdf');
    const sent = await api<{ id: string; category: string; origin: string }>('POST', '/documents', form);
    expect(sent).toMatchObject({ category: 'certidao', origin: 'firm' });

    const recentCard = client.locator(
      `[data-testid="recent-documents"] [data-testid="document-card"][data-document-id="${sent.id}"]`,
    );
    await recentCard.waitFor({ timeout: 10_000 });
    expect(await recentCard.textContent()).toContain('Certidão');
    expect(await horizontalOverflow(client)).toBeLessThanOrEqual(0);

    // Processos: under "Certidões", not under "DAS" (whose empty state says what will come).
    await client.getByTestId('tab-processos').click();
    await client.waitForURL(new RegExp(`/@${slug}/app/processos`));
    await client.getByTestId('panel-processos').waitFor();
    // DAS needs `dasSimples`/`dasMei`, which this client does not have: no such chip.
    expect(await client.getByTestId('filter-das').count()).toBe(0);
    await client.getByTestId('filter-gps').click();
    await client.getByTestId('processos-empty').waitFor();
    expect(await client.getByTestId('processos-empty').textContent()).toContain('aparecem aqui');
    await client.getByTestId('filter-certidoes').click();
    await client.waitForURL(/tipo=certidoes/);
    const card = client.locator(
      `[data-testid="processos-documents"] [data-testid="document-card"][data-document-id="${sent.id}"]`,
    );
    await card.waitFor();
    expect(await horizontalOverflow(client)).toBeLessThanOrEqual(0);

    // Opening it: its own address, a detail sheet; Back closes it.
    await card.getByTestId('document-open').click();
    await client.waitForURL(new RegExp(`[?&]doc=${sent.id}`));
    const sheet = client.locator('dialog[open][data-testid="document-sheet"]');
    await sheet.getByTestId('document-sheet-title').waitFor();
    // The text the firm typed comes with the file ("Título do envio").
    expect(await sheet.textContent()).toContain('Certidão Negativa de Débitos federais');

    // Download through the client's route: the file itself comes back.
    const [download] = await Promise.all([
      client.waitForEvent('download'),
      sheet.getByTestId('sheet-download').click(),
    ]);
    expect(download.url()).toContain(`/api/me/documents/${sent.id}/file`);
    const bytes = await readFile((await download.path()) ?? '');
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    await client.goBack();
    await sheet.waitFor({ state: 'detached' });
    await client.waitForURL((url) => !url.searchParams.has('doc'));

    // The firm's trail has the proof: opened and downloaded, by the portal.
    await expect
      .poll(async () => {
        const detail = await api<{ trail: { event: string }[] }>('GET', `/documents/${sent.id}`);
        return detail.trail.map((t) => t.event);
      })
      .toEqual(expect.arrayContaining(['delivered', 'opened', 'downloaded']));

    // A link straight to the document (an e-mail, a reload) opens it too.
    await client.goto(`${webUrl}/@${slug}/app/processos?doc=${sent.id}`);
    await sheet.getByTestId('document-sheet-title').waitFor();
    await sheet.locator('button[aria-label="Fechar"]').click();
    await sheet.waitFor({ state: 'detached' });
    // Closing drops ?doc= through a navigation that settles after the sheet is gone.
    await client.waitForURL((url) => !url.searchParams.has('doc'));

    // The chat shows the delivery as a document card.
    await client.getByTestId('tab-chat').click();
    await client.waitForURL(new RegExp(`/@${slug}/app/chat$`));
    await client.locator(`[data-testid="message-document"] [data-document-id="${sent.id}"]`).waitFor();
    expect(await horizontalOverflow(client)).toBeLessThanOrEqual(0);

    // Tabs are routes: reload keeps the tab, Back returns to the one before.
    await client.reload();
    await client.getByTestId('panel-chat').waitFor();
    expect(client.url()).toMatch(new RegExp(`/@${slug}/app/chat$`));
    expect(await client.getByTestId('tab-chat').getAttribute('aria-current')).toBe('page');
    await client.goBack();
    await client.getByTestId('panel-processos').waitFor();
    expect(await client.getByTestId('tab-processos').getAttribute('aria-current')).toBe('page');
    await client.getByTestId('tab-servicos').click();
    await client.getByTestId('panel-servicos').waitFor();
    await client.goBack();
    await client.getByTestId('panel-processos').waitFor();

    // Without the documents permission the tab goes, and its address says so plainly.
    await api('PUT', `/clients/${clientId}/portal`, { enabled: true, permissions: { documents: false } });
    await client.reload();
    await client.getByTestId('section-unavailable').waitFor();
    expect(await client.getByTestId('tab-processos').count()).toBe(0);

    await context.close();
  });
});
