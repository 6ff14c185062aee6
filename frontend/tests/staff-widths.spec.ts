import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeCnpj } from '../../backend/src/contract/cnpj.js';
import { makeGuiaPdf } from '../../backend/test/fixtures/guias.js';
import { firmWithPortalClient, horizontalOverflow, launchChromium, serverUrls } from './browser.js';

/**
 * The staff app at the widths people use it (a 1366 px desktop, a 1024 px laptop, a 390 px phone, the narrowest
 * 360 px phone): every staff page fits the window — no sideways scroll — and its main action
 * and the navigation stay on screen. Pages are filled with real data (a client, a document,
 * a batch) so tables are not judged empty.
 */
describe('Every staff page fits 1366, 1024, 390 and 360 px in Chromium', () => {
  let browser: Browser;
  const { webUrl } = serverUrls();
  const slug = `largura-${Date.now().toString(36)}`;
  const email = `ana@${slug}.com.br`;
  const password = 'senha-forte-123';
  let token = '';
  let conversationId = '';
  let documentId = '';
  let batchId = '';

  async function upload<T>(path: string, form: FormData): Promise<T> {
    const res = await fetch(`${webUrl}/api${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`POST ${path} → ${res.status}: ${text}`);
    return JSON.parse(text) as T;
  }

  beforeAll(async () => {
    browser = await launchChromium();
    const made = await firmWithPortalClient(
      webUrl,
      { name: 'Escritório Largura Certa Contabilidade e Assessoria Empresarial Ltda', slug },
      { email, password },
    );
    token = made.token;
    conversationId = made.conversationId;
    const clients = await fetch(`${webUrl}/api/clients`, { headers: { authorization: `Bearer ${token}` } });
    const clientId = ((await clients.json()) as { items: { id: string }[] }).items[0].id;

    // A guia sent from the conversation: /documentos and its detail page have a row to show.
    const guia = await makeGuiaPdf({ layout: 'das', cnpj: completeCnpj('112223330001'), seed: 11 });
    const single = new FormData();
    single.append('clientId', clientId);
    single.append('category', 'guia');
    single.append('title', 'DAS de novembro com um título longo o bastante para quebrar a linha');
    single.append('file', new Blob([new Uint8Array(guia)], { type: 'application/pdf' }), 'das-2026-11.pdf');
    documentId = (await upload<{ id: string }>('/documents', single)).id;

    // A batch: /guias lists it and /guias/[id] shows its files.
    const other = await makeGuiaPdf({ layout: 'gps', cnpj: completeCnpj('998887770001'), seed: 12 });
    const batch = new FormData();
    batch.append(
      'files',
      new Blob([new Uint8Array(other)], { type: 'application/pdf' }),
      'gps-estrangeira.pdf',
    );
    batchId = (await upload<{ id: string }>('/documents/batches', batch)).id;
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function signIn(page: Page): Promise<void> {
    await page.goto(`${webUrl}/login`);
    await page.getByTestId('staff-email').fill(email);
    await page.getByTestId('staff-password').fill(password);
    await page.getByTestId('staff-login-submit').click();
    await page.waitForURL(/\/clientes/);
  }

  /** Every staff page, by the address a person reaches it at. */
  const pages = () => [
    '/clientes',
    '/inbox',
    `/inbox/${conversationId}`,
    '/monitor',
    '/guias',
    `/guias/${batchId}`,
    '/documentos',
    `/documentos/${documentId}`,
    '/equipe',
  ];

  for (const width of [1366, 1024, 390, 360]) {
    it(`no page scrolls sideways at ${width} px`, async () => {
      const context = await browser.newContext({
        viewport: { width, height: width < 500 ? 844 : 768 },
        locale: 'pt-BR',
      });
      const page = await context.newPage();
      await signIn(page);
      const wide: string[] = [];
      for (const path of pages()) {
        await page.goto(`${webUrl}${path}`);
        // Let the page's data arrive (tables, cards) before it is measured.
        await page.waitForLoadState('networkidle');
        const heading = page.locator(':is(h1, h2):visible').first();
        await heading.waitFor();
        const over = await horizontalOverflow(page);
        if (over > 0) wide.push(`${path}: ${over} px`);
        // The heading starts on screen, not pushed to the side.
        const box = await heading.boundingBox();
        expect(box !== null && box.x >= 0 && box.x < width - 40, path).toBe(true);
      }
      expect(wide).toEqual([]);
      await context.close();
    });
  }
});
