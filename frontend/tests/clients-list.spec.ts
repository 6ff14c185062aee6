import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeCnpj } from '@connecthub/backend/contract';
import { launchChromium, serverUrls } from './browser.js';

/**
 * Gerenciar Permissões (/clientes) as staff use it every day, in real Chromium: every width
 * from a laptop to a small phone, counts in words, giving access, login locks and the CSV import.
 * Set SHOTS_DIR to keep a screenshot of each width.
 */
describe('staff client list in Chromium', () => {
  let browser: Browser;
  const { webUrl, apiUrl } = serverUrls();
  const slug = `lista-${Date.now().toString(36)}`;
  const admin = { email: `ana@${slug}.com.br`, password: 'senha-forte-123' };
  let token = '';
  let staffState: Awaited<ReturnType<BrowserContext['storageState']>>;
  const cnpj = () => completeCnpj(`${Array.from(randomBytes(8), (b) => b % 10).join('')}0001`);
  const clients = {
    chatty: { cnpj: cnpj(), name: 'Padaria Pão Quente Ltda', id: '' },
    never: { cnpj: cnpj(), name: 'Comércio Sem Acesso Ltda', id: '' },
    locked: { cnpj: cnpj(), name: 'Oficina Travada ME', id: '' },
    reset: { cnpj: cnpj(), name: 'Transportes Esquecidos S.A.', id: '' },
  };

  async function api<T>(path: string, body: unknown, auth?: string, method = 'POST'): Promise<T> {
    const res = await fetch(`${webUrl}/api${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
    return JSON.parse(text) as T;
  }

  const portalLogin = (cnpjValue: string, password: string) =>
    fetch(`${webUrl}/api/portal/${slug}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cnpj: cnpjValue, password }),
    });

  /** Five wrong passwords from this machine's address: the portal locks the CNPJ out here. */
  async function lockOut(cnpjValue: string) {
    for (let i = 0; i < 5; i++) expect((await portalLogin(cnpjValue, `errada-${i}`)).status).toBe(401);
  }

  async function sendMessage(authToken: string, conversationId: string, text: string) {
    const socket = io(apiUrl, { path: '/socket.io', auth: { token: authToken }, transports: ['websocket'] });
    try {
      const ack = (await socket.timeout(10_000).emitWithAck('message:send', {
        conversationId,
        clientMessageId: randomBytes(6).toString('hex'),
        text,
      })) as {
        ok: boolean;
      };
      expect(ack.ok).toBe(true);
    } finally {
      socket.close();
    }
  }

  beforeAll(async () => {
    browser = await launchChromium();
    ({ token } = await api<{ token: string }>('/firms', {
      firm: { name: 'Escritório Lista Contábil', slug },
      admin: { name: 'Ana Souza', ...admin },
    }));
    for (const c of Object.values(clients)) {
      c.id = (await api<{ id: string }>('/clients', { cnpj: c.cnpj, name: c.name }, token)).id;
    }
    const passwords: Record<string, string> = {};
    let conversationId = '';
    for (const key of ['chatty', 'locked', 'reset'] as const) {
      const enabled = await api<{ password: string; conversationId: string }>(
        `/clients/${clients[key].id}/portal`,
        { enabled: true },
        token,
        'PUT',
      );
      passwords[key] = enabled.password;
      if (key === 'chatty') conversationId = enabled.conversationId;
    }
    // One message each way: one the client has not seen, one the staff have not read.
    const login = (await (await portalLogin(clients.chatty.cnpj, passwords.chatty)).json()) as {
      token: string;
    };
    await sendMessage(token, conversationId, 'Bom dia! A guia do mês já está no portal.');
    await sendMessage(login.token, conversationId, 'Obrigado, vou conferir.');
    await lockOut(clients.locked.cnpj);
    await lockOut(clients.reset.cnpj);

    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'pt-BR' });
    const page = await context.newPage();
    await page.goto(`${webUrl}/login`);
    await page.getByTestId('staff-email').fill(admin.email);
    await page.getByTestId('staff-password').fill(admin.password);
    await page.getByTestId('staff-login-submit').click();
    await page.waitForURL(/\/clientes/);
    staffState = await context.storageState();
    await context.close();
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function openList(width: number, height = 900): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width, height },
      locale: 'pt-BR',
      timezoneId: 'America/Sao_Paulo',
      storageState: staffState,
    });
    const page = await context.newPage();
    await page.goto(`${webUrl}/clientes`);
    await page.getByTestId('client-row').first().waitFor();
    return page;
  }

  const rowOf = (page: Page, key: keyof typeof clients) =>
    page.locator(`[data-testid="client-row"][data-client-id="${clients[key].id}"]`);

  async function menuItem(page: Page, row: Locator, testId: string): Promise<Locator> {
    await row.getByTestId('row-menu').click();
    const item = page.getByTestId(testId).filter({ visible: true });
    await item.waitFor();
    return item;
  }

  /** What scrolls sideways, in pixels: the page, the list's own box, the list's card past the screen. */
  const sideways = (page: Page) =>
    page.evaluate(() => {
      const wrap = document.querySelector('.table-wrap');
      const card = wrap?.closest('.card');
      const screen = document.documentElement.clientWidth;
      return {
        page: document.documentElement.scrollWidth - screen,
        list: wrap ? wrap.scrollWidth - wrap.clientWidth : 0,
        card: card ? Math.max(0, Math.ceil(card.getBoundingClientRect().right) - screen) : 0,
      };
    });

  async function expectNoSidewaysScroll(page: Page) {
    expect(await sideways(page)).toEqual({ page: 0, list: 0, card: 0 });
  }

  async function expectInViewport(page: Page, target: Locator) {
    const box = await target.boundingBox();
    const width = page.viewportSize()?.width ?? 0;
    expect(box).not.toBeNull();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(width);
  }

  it('fits the list on a 1366 px laptop', async () => {
    const page = await openList(1366);
    try {
      // The page itself is the staff layout's (its top bar); the list is this page's.
      expect(await sideways(page)).toMatchObject({ list: 0, card: 0 });
      if (process.env.SHOTS_DIR) {
        await page.screenshot({ path: `${process.env.SHOTS_DIR}/clientes-1366.png`, fullPage: true });
      }
    } finally {
      await page.context().close();
    }
  });

  it.each([1024, 390, 360])('fits %i px with every action of a client reachable', async (width) => {
    const page = await openList(width);
    try {
      await expectNoSidewaysScroll(page);
      const row = rowOf(page, 'chatty');
      for (const id of ['row-select', 'access-status', 'perm-summary', 'row-menu']) {
        await expectInViewport(page, row.getByTestId(id));
      }
      if (process.env.SHOTS_DIR) {
        await page.screenshot({ path: `${process.env.SHOTS_DIR}/clientes-${width}.png`, fullPage: true });
      }
      const item = await menuItem(page, row, 'menu-permissions');
      await expectInViewport(page, item);
      if (process.env.SHOTS_DIR) {
        await page.screenshot({ path: `${process.env.SHOTS_DIR}/clientes-${width}-menu.png` });
      }
      await item.click();
      await page.getByTestId('permissions-dialog').getByTestId('permissions-save').waitFor();
      if (process.env.SHOTS_DIR) {
        await page.screenshot({ path: `${process.env.SHOTS_DIR}/clientes-${width}-permissions.png` });
      }
      await page.keyboard.press('Escape');

      await row.getByTestId('row-select').click();
      await page.getByTestId('bulk-bar').waitFor();
      await expectInViewport(page, page.getByTestId('bulk-enable'));
      await expectNoSidewaysScroll(page);
      if (process.env.SHOTS_DIR) {
        await page.screenshot({ path: `${process.env.SHOTS_DIR}/clientes-${width}-selected.png` });
      }
    } finally {
      await page.context().close();
    }
  });

  it('puts counts into words: one unread, one unseen, one selected; the bulk action says what it does', async () => {
    const page = await openList(1366);
    try {
      const pending = rowOf(page, 'chatty').getByTestId('pending');
      await expect
        .poll(async () => (await pending.innerText()).replace(/\s+/g, ' ').trim())
        .toBe('1 não vista pelo cliente 1 não lida');
      await rowOf(page, 'chatty').getByTestId('row-select').click();
      expect((await page.getByTestId('bulk-count').innerText()).trim()).toBe('1 selecionado');
      const enable = page.getByTestId('bulk-enable');
      expect((await enable.innerText()).trim()).toBe('Liberar acesso');
      await enable.click();
      const dialog = page.getByTestId('bulk-enable-dialog');
      await dialog.getByRole('heading', { name: 'Liberar acesso' }).waitFor();
      expect((await dialog.getByTestId('bulk-enable-submit').innerText()).trim()).toBe(
        'Liberar acesso para 1 cliente',
      );
      expect(await dialog.innerText()).not.toMatch(/integr/i);
    } finally {
      await page.context().close();
    }
  });

  it('offers a never-enabled client "Liberar acesso" only, with the same permission count in row and dialog', async () => {
    const page = await openList(1024);
    try {
      const row = rowOf(page, 'never');
      const summary = row.getByTestId('perm-summary');
      expect((await summary.innerText()).trim()).toBe('0 de 13');

      await row.getByTestId('row-menu').click();
      await page.getByTestId('menu-enable').filter({ visible: true }).waitFor();
      for (const id of ['menu-impersonate', 'menu-block', 'menu-view-password', 'menu-reset-password']) {
        expect(await page.getByTestId(id).filter({ visible: true }).count()).toBe(0);
      }
      await page.keyboard.press('Escape');

      // Its permissions as they are: what the row counts.
      await summary.click();
      const dialog = page.getByTestId('permissions-dialog');
      const count = dialog.getByTestId('permissions-dialog-count');
      expect((await count.innerText()).trim()).toBe('0 de 13 permissões');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });

      // "Liberar acesso" opens it with access on and the usual permissions proposed, on screen.
      await (await menuItem(page, row, 'menu-enable')).click();
      expect(await dialog.getByTestId('portal-enabled-switch').getAttribute('aria-checked')).toBe('true');
      expect((await count.innerText()).trim()).toBe('5 de 13 permissões');
      await dialog.getByTestId('permissions-save').click();
      await page.getByTestId('portal-password').waitFor();
      await page.getByTestId('password-dialog-close').click();
      await expect.poll(() => row.getByTestId('access-status').getAttribute('data-state')).toBe('active');
      expect((await summary.innerText()).trim()).toBe('5 de 13');

      // Now it has had access: the usual actions are back.
      await row.getByTestId('row-menu').click();
      await page.getByTestId('menu-impersonate').filter({ visible: true }).waitFor();
      expect(await page.getByTestId('menu-enable').filter({ visible: true }).count()).toBe(0);
    } finally {
      await page.context().close();
    }
  });

  it('shows why a client is locked, on the card too, and unlocks it from the row menu', async () => {
    const page = await openList(390, 844);
    try {
      const row = rowOf(page, 'locked');
      expect(await row.getByTestId('access-status').getAttribute('data-state')).toBe('locked');
      const reason = row.getByTestId('lock-reason');
      expect((await reason.innerText()).trim()).toMatch(/^Travado até \d{2}:\d{2} · 5 tentativas erradas$/);
      await expectInViewport(page, reason);
      if (process.env.SHOTS_DIR) {
        await row.screenshot({ path: `${process.env.SHOTS_DIR}/clientes-locked-card.png` });
      }

      const unlock = await menuItem(page, row, 'menu-unlock-login');
      expect((await unlock.innerText()).trim()).toBe('Desbloquear login');
      await unlock.click();
      await expect.poll(() => row.getByTestId('access-status').getAttribute('data-state')).toBe('active');
      expect(await row.getByTestId('lock-reason').count()).toBe(0);
    } finally {
      await page.context().close();
    }
  });

  it('a new password lifts the lock, and the row says so without a reload', async () => {
    const page = await openList(1024);
    try {
      const row = rowOf(page, 'reset');
      expect(await row.getByTestId('access-status').getAttribute('data-state')).toBe('locked');
      await (await menuItem(page, row, 'menu-reset-password')).click();
      await page.getByTestId('confirm-button').click();
      const password = (await page.getByTestId('portal-password').innerText()).trim();
      await page.getByTestId('password-dialog-close').click();
      await expect.poll(() => row.getByTestId('access-status').getAttribute('data-state')).toBe('active');
      expect(await row.getByTestId('lock-reason').count()).toBe(0);
      // And the client gets in with it from the address that was locked out.
      expect((await portalLogin(clients.reset.cnpj, password)).status).toBe(200);
    } finally {
      await page.context().close();
    }
  });

  it('reports an import with a failed row in a warning, counting companies (not the header) and naming ignored columns', async () => {
    const page = await openList(1024);
    try {
      const good = cnpj();
      const csv = [
        'CNPJ;Razão social;E-mail;Telefone',
        `${good};Papelaria Nova Ltda;contato@papelaria.com.br;(11) 4000-0000`,
        '11.222.333/0001-82;Dígito Errado ME;;',
      ].join('\r\n');
      await page.getByTestId('open-import').click();
      await page.getByTestId('import-file').setInputFiles({
        name: 'clientes.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(csv, 'utf-8'),
      });
      const dialog = page.getByTestId('import-dialog');
      await expect
        .poll(async () => (await dialog.getByTestId('import-count').innerText()).trim())
        .toBe('2 empresas');
      expect(await dialog.getByTestId('import-ignored-preview').innerText()).toContain(
        'A coluna Telefone não é importada',
      );
      await dialog.getByTestId('import-submit').click();
      const outcome = dialog.getByTestId('import-outcome');
      await outcome.waitFor();
      expect(await outcome.getAttribute('data-tone')).toBe('warn');
      expect(await outcome.getAttribute('class')).not.toContain('alert-success');
      expect((await outcome.innerText()).trim()).toBe(
        '1 cliente criado · 1 linha com problema (de 2 empresas lidas).',
      );
      const failures = dialog.getByTestId('import-failure');
      expect(await failures.count()).toBe(1);
      expect(await failures.first().getAttribute('data-line')).toBe('3');
      expect(await failures.first().innerText()).toContain('CNPJ inválido');
      if (process.env.SHOTS_DIR) {
        await dialog.screenshot({ path: `${process.env.SHOTS_DIR}/clientes-import.png` });
      }

      const list = await api<{ items: { cnpj: string; email: string | null }[] }>(
        '/clients?pageSize=200',
        undefined,
        token,
        'GET',
      );
      expect(list.items.find((c) => c.cnpj === good)?.email).toBe('contato@papelaria.com.br');
    } finally {
      await page.context().close();
    }
  });
});
