import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeCnpj } from '../../backend/src/contract/cnpj.js';
import { makeGuiaPdf, notAPdf } from '../../backend/test/fixtures/guias.js';
import { dropDatabase } from '../../backend/test/helpers/db.js';
import {
  freePort,
  type NodeProcess,
  startApiProcess,
  startWebProcess,
  startWorkerProcess,
} from '../../backend/test/helpers/processes.js';
import { launchChromium } from './browser.js';

/**
 * "Envio de guias em lote" in Chromium at 1024 px: staff drop several PDFs, watch each
 * upload and its reading, find each guia delivered to its client (or in review, duplicate,
 * failed with a reason), file the review item under a client by hand, and find the batch
 * in the history. Guias are read by the worker, which the shared global setup does not
 * start: this file runs its own api + worker + web on a fresh database.
 */
describe('Guias em lote (staff) in Chromium', () => {
  let browser: Browser;
  let webUrl = '';
  let dbUrl = '';
  const procs: NodeProcess[] = [];
  const slug = `guias-${Date.now().toString(36)}`;
  const staffEmail = `ana@${slug}.com.br`;
  const staffPassword = 'senha-forte-123';
  const padaria = completeCnpj('112223330001');
  const mercado = completeCnpj('223334440001');

  async function api<T>(path: string, body: unknown, token?: string, method = 'POST'): Promise<T> {
    const res = await fetch(`${webUrl}/api${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
    return JSON.parse(text) as T;
  }

  beforeAll(async () => {
    const { MONGO_URL, REDIS_URL } = process.env;
    if (!MONGO_URL || !REDIS_URL)
      throw new Error('MONGO_URL and REDIS_URL must be set (npm run services:up)');
    const db = new URL(MONGO_URL);
    db.pathname = `/t_guias_${randomBytes(4).toString('hex')}`;
    dbUrl = db.toString();
    webUrl = `http://127.0.0.1:${await freePort()}`;
    const env = {
      NODE_ENV: 'test',
      MONGO_URL: dbUrl,
      REDIS_URL,
      REDIS_KEY_PREFIX: `tg${randomBytes(3).toString('hex')}:`,
      SECRET_KEY: randomBytes(32).toString('base64'),
      PUBLIC_URL: webUrl,
      ARGON2_MEMORY_KIB: '1024',
    };
    const apiProc = await startApiProcess(env);
    procs.push(apiProc);
    procs.push(await startWorkerProcess(env));
    procs.push(
      await startWebProcess({
        WEB_PORT: new URL(webUrl).port,
        API_URL: apiProc.url,
        ORIGIN: webUrl,
        SECRET_KEY: env.SECRET_KEY,
      }),
    );
    browser = await launchChromium();

    const { token } = await api<{ token: string }>('/firms', {
      firm: { name: 'Escritório Horizonte Contábil', slug },
      admin: { name: 'Ana Souza', email: staffEmail, password: staffPassword },
    });
    for (const [cnpj, name] of [
      [padaria, 'Padaria Pão Quente Ltda'],
      [mercado, 'Mercadinho Boa Vista ME'],
    ]) {
      const c = await api<{ id: string }>('/clients', { cnpj, name }, token);
      await api(`/clients/${c.id}/portal`, { enabled: true }, token, 'PUT');
    }
  });

  afterAll(async () => {
    await browser?.close();
    for (const p of procs.reverse()) await p.stop();
    if (dbUrl) await dropDatabase(dbUrl);
  });

  /** Each file row as [file name, status]. */
  function rows(page: Page) {
    return page
      .getByTestId('batch-file')
      .evaluateAll((els) => els.map((e) => [e.dataset.fileName, e.dataset.status] as [string, string]));
  }

  /** Drops files on an element as a person would drag them from the desktop. */
  async function dropFiles(
    page: Page,
    selector: string,
    files: { name: string; mimeType: string; buffer: Buffer }[],
  ) {
    const dataTransfer = await page.evaluateHandle(
      (list) => {
        const dt = new DataTransfer();
        for (const f of list) {
          const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
          dt.items.add(new File([bytes], f.name, { type: f.mimeType }));
        }
        return dt;
      },
      files.map((f) => ({ name: f.name, mimeType: f.mimeType, b64: f.buffer.toString('base64') })),
    );
    await page.dispatchEvent(selector, 'dragover', { dataTransfer });
    await page.dispatchEvent(selector, 'drop', { dataTransfer });
  }

  async function noHorizontalOverflow(page: Page) {
    const [scroll, client] = await page.evaluate(() => [
      document.documentElement.scrollWidth,
      document.documentElement.clientWidth,
    ]);
    expect(scroll).toBeLessThanOrEqual(client);
  }

  it('uploads a batch, shows each outcome, resolves a review item and lists the batch', async () => {
    const pdf = (name: string, buffer: Buffer) => ({ name, mimeType: 'application/pdf', buffer });
    const duplicate = await makeGuiaPdf({ layout: 'das', cnpj: padaria, competence: '2026-09', seed: 3 });
    const files = [
      pdf('das-padaria.pdf', await makeGuiaPdf({ layout: 'das', cnpj: padaria, seed: 1 })),
      pdf('darf-mercadinho.pdf', await makeGuiaPdf({ layout: 'darf-dctfweb', cnpj: mercado, seed: 2 })),
      pdf('das-padaria-setembro.pdf', duplicate),
      pdf('das-padaria-setembro-copia.pdf', duplicate),
      pdf(
        'das-desconhecido.pdf',
        await makeGuiaPdf({ layout: 'das', cnpj: completeCnpj('998887770001'), seed: 4 }),
      ),
      pdf('corrompido.pdf', notAPdf()),
    ];

    const context = await browser.newContext({ viewport: { width: 1024, height: 768 }, locale: 'pt-BR' });
    const page = await context.newPage();
    await page.goto(`${webUrl}/login`);
    await page.getByTestId('staff-email').fill(staffEmail);
    await page.getByTestId('staff-password').fill(staffPassword);
    await page.getByTestId('staff-login-submit').click();
    await page.waitForURL(/\/clientes/);
    await page.getByTestId('nav-guias').click();
    await page.waitForURL(/\/guias$/);
    await page.getByTestId('batch-history-empty').waitFor();
    await noHorizontalOverflow(page);

    // A slow uplink, so each file's own progress bar is on screen while it goes up.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 50,
      downloadThroughput: -1,
      uploadThroughput: 6 * 1024,
    });
    await dropFiles(page, '[data-testid="guias-dropzone"]', files);
    // The first request creates the batch: it gets its own address at once.
    await page.waitForURL(/\/guias\/[0-9a-f]{24}$/, { timeout: 30_000 });
    const batchId = page.url().split('/').pop() as string;
    // A file on its way up has its own progress bar.
    await page
      .locator('[data-testid="batch-file"][data-status="uploading"] [data-testid="file-progress"]')
      .first()
      .waitFor({ timeout: 10_000 });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });

    // Every file ends with a result; the batch bar says so.
    await page.waitForFunction(
      () => {
        const el = document.querySelector<HTMLElement>('[data-testid="batch-finished"]');
        return !!el && el.dataset.total === '6' && el.dataset.finished === '6';
      },
      undefined,
      { timeout: 45_000 },
    );
    const byName = Object.fromEntries(await rows(page));
    expect(byName['das-padaria.pdf']).toBe('delivered');
    expect(byName['darf-mercadinho.pdf']).toBe('delivered');
    expect(byName['das-desconhecido.pdf']).toBe('review');
    expect(byName['corrompido.pdf']).toBe('failed');
    // The same PDF twice for one client: delivered once, the other one is a duplicate.
    expect([byName['das-padaria-setembro.pdf'], byName['das-padaria-setembro-copia.pdf']].sort()).toEqual([
      'delivered',
      'duplicate',
    ]);
    const delivered = page.locator('[data-testid="batch-file"][data-file-name="darf-mercadinho.pdf"]');
    expect(await delivered.getByTestId('file-client').textContent()).toContain('Mercadinho Boa Vista');
    const failed = page.locator('[data-testid="batch-file"][data-file-name="corrompido.pdf"]');
    expect((await failed.textContent())?.trim().length).toBeGreaterThan(20);
    await noHorizontalOverflow(page);

    // Review: pick the client by hand; the file is then delivered to it.
    await page.getByTestId('open-review').click();
    await page.waitForURL(/f=review/);
    await page.getByTestId('file-assign').click();
    await page.getByTestId('assign-picker-search').fill('Padaria');
    await page
      .locator('[data-testid="assign-picker-option"]')
      .filter({ hasText: 'Padaria Pão Quente' })
      .click();
    await page.getByTestId('assign-confirm').click();
    await page.getByTestId('assign-dialog').waitFor({ state: 'hidden' });
    await page.getByTestId('batch-filter-all').click();
    const resolved = page.locator('[data-testid="batch-file"][data-file-name="das-desconhecido.pdf"]');
    await page
      .locator('[data-testid="batch-file"][data-file-name="das-desconhecido.pdf"][data-status="delivered"]')
      .waitFor();
    expect(await resolved.getByTestId('file-client').textContent()).toContain('Padaria Pão Quente');
    await page.locator('[data-testid="batch-counts"] [data-count="review"][data-n="0"]').waitFor();

    // Back (the filter tabs replace the address, they don't stack): the batch is in the history.
    await page.goBack();
    await page.waitForURL(/\/guias$/);
    const history = page.locator(`[data-testid="batch-history-row"][data-batch-id="${batchId}"]`);
    await history.waitFor();
    expect(await history.textContent()).toContain('6 arquivos');
    expect(await history.textContent()).toContain('4 entregues');
    await noHorizontalOverflow(page);

    // And its own address opens it again.
    await history.click();
    await page.waitForURL(new RegExp(`/guias/${batchId}$`));
    await page.locator('[data-testid="batch-finished"][data-finished="6"]').waitFor();
    await context.close();
  });
});
