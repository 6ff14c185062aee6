import { randomUUID } from 'node:crypto';
import type { Browser, Locator, Page } from 'playwright-core';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firmWithPortalClient, horizontalOverflow, launchChromium, serverUrls } from './browser.js';

/** The Monitor, opened by an admin: one request for its data, then live; fits a laptop and a phone. */
describe('Monitor in Chromium', () => {
  let browser: Browser;
  const { webUrl, apiUrl } = serverUrls();
  const slug = `monitor-${Date.now().toString(36)}`;
  const email = `ana@${slug}.com.br`;
  const password = 'senha-forte-123';

  beforeAll(async () => {
    browser = await launchChromium();
    const firm = await firmWithPortalClient(webUrl, { name: 'Contábil Monitor', slug }, { email, password });
    // The client writes, so the monitor has a row waiting on the firm.
    const login = await fetch(`${webUrl}/api/portal/${slug}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cnpj: '11.222.333/0001-81', password: firm.clientPassword }),
    });
    const { token } = (await login.json()) as { token: string };
    const socket = io(apiUrl, { auth: { token }, transports: ['websocket'], reconnection: false });
    const ack = (await socket
      .timeout(5000)
      .emitWithAck('message:send', { clientMessageId: randomUUID(), text: 'Bom dia, a guia chegou?' })) as {
      ok: boolean;
    };
    socket.disconnect();
    expect(ack.ok).toBe(true);
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** Inside the window and not cut off by the table's scroll box: readable without scrolling sideways. */
  const inView = (l: Locator) =>
    l.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const box = (el.closest('.table-wrap') ?? document.documentElement).getBoundingClientRect();
      return r.left >= box.left && r.right <= box.right && r.right <= window.innerWidth;
    });

  async function loggedIn(width: number, height: number): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height }, locale: 'pt-BR' });
    const page = await context.newPage();
    await page.goto(`${webUrl}/login`);
    await page.getByTestId('staff-email').fill(email);
    await page.getByTestId('staff-password').fill(password);
    await page.getByTestId('staff-login-submit').click();
    await page.waitForURL(/\/clientes/);
    return page;
  }

  /** Opens /monitor afresh and counts its data requests until the page is live and the network quiet. */
  async function openMonitor(page: Page): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    page.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (path === '/api/monitor' || path === '/api/staff') counts[path] = (counts[path] ?? 0) + 1;
    });
    await page.goto(`${webUrl}/monitor`);
    await page.getByRole('heading', { level: 1, name: 'Monitor' }).waitFor();
    await page.getByTestId('monitor-row').first().waitFor();
    // Live: the viewer's own socket shows them online; whatever that connect would trigger has run.
    await page.getByTestId('staff-online-item').first().waitFor();
    await page.waitForLoadState('networkidle');
    return counts;
  }

  it('loads its data once, shows what waits, and fits 1024 px', async () => {
    const page = await loggedIn(1024, 768);
    const counts = await openMonitor(page);
    expect(counts).toEqual({ '/api/monitor': 1, '/api/staff': 1 });
    const row = page.getByTestId('monitor-row');
    expect(await row.count()).toBe(1);
    expect(await row.getAttribute('data-direction')).toBe('toStaff');
    expect(await page.getByTestId('monitor-count-to-staff').textContent()).toBe('1');
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    expect(await inView(row.getByTestId('monitor-waiting'))).toBe(true);
    expect(await inView(row.getByRole('link', { name: 'Abrir conversa' }))).toBe(true);
    await page.context().close();
  });

  it('fits a 390 px phone, every part of a row in view', async () => {
    const page = await loggedIn(390, 844);
    const counts = await openMonitor(page);
    expect(counts).toEqual({ '/api/monitor': 1, '/api/staff': 1 });
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    const row = page.getByTestId('monitor-row');
    expect(await row.textContent()).toContain('1 mensagem');
    expect(await inView(row.getByTestId('monitor-waiting'))).toBe(true);
    expect(await inView(row.getByRole('link', { name: 'Abrir conversa' }))).toBe(true);
    await page.context().close();
  });
});
