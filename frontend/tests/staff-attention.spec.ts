import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firmWithPortalClient, launchChromium, serverUrls } from './browser.js';

/**
 * Staff never miss a client message, wherever they are in the app: the Atendimento badge,
 * the tab title, a toast that opens the conversation, a chime and (in the background) a
 * browser notification, each of which the person can turn off. The staff shell and the
 * inbox fit from 360 px up.
 */

/** Counts the chime's oscillators and stands in for the Notification API and tab visibility. */
function instrument() {
  const w = window as unknown as Record<string, unknown>;
  w.__oscillators = 0;
  w.__notifications = [];
  w.__hidden = false;
  const create = AudioContext.prototype.createOscillator;
  AudioContext.prototype.createOscillator = function (this: AudioContext) {
    (w.__oscillators as number)++;
    return create.call(this);
  };
  let permission: NotificationPermission = 'default';
  class FakeNotification {
    static get permission() {
      return permission;
    }
    static requestPermission() {
      permission = 'granted';
      return Promise.resolve(permission);
    }
    onclick: (() => void) | null = null;
    constructor(
      readonly title: string,
      readonly options?: NotificationOptions,
    ) {
      (w.__notifications as FakeNotification[]).push(this);
    }
    close() {}
  }
  w.Notification = FakeNotification;
  Object.defineProperty(Document.prototype, 'visibilityState', {
    configurable: true,
    get: () => (w.__hidden ? 'hidden' : 'visible'),
  });
  Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => w.__hidden });
}

async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

describe('Staff attention to client messages, in Chromium', () => {
  let browser: Browser;
  const { webUrl } = serverUrls();
  const slug = `atencao-${Date.now().toString(36)}`;
  const staffEmail = `ana@${slug}.com.br`;
  const staffPassword = 'senha-forte-123';
  const clientName = 'Padaria Pão Quente Ltda';
  let conversationId = '';
  let staffContext: BrowserContext;
  let clientContext: BrowserContext;
  let staff: Page;
  let client: Page;
  /** While set, the staff page's "mark read" socket events are held back (released later). */
  let holdReads = false;
  const heldReads: (() => void)[] = [];

  const oscillators = () =>
    staff.evaluate(() => (window as unknown as { __oscillators: number }).__oscillators);
  const toasts = () => staff.getByTestId('message-toast');
  const row = () => staff.locator(`[data-testid="inbox-row"][data-conversation-id="${conversationId}"]`);

  async function clientSays(text: string) {
    await client.getByTestId('composer-input').fill(text);
    await client.getByTestId('composer-input').press('Enter');
    await client
      .locator('[data-testid="message"][data-sender-kind="client"][data-seq]')
      .filter({ hasText: text })
      .waitFor();
  }

  /** The staff page's socket is in: what the client sends from now on reaches it live. */
  const connected = () => staff.getByTestId('user-menu').locator('[title="Conectado"]').waitFor();

  async function openNotificationSettings() {
    await staff.getByTestId('user-menu').click();
    await staff.getByTestId('user-menu-notifications').click();
    await staff.getByTestId('notification-settings').getByRole('heading', { name: 'Notificações' }).waitFor();
  }

  async function setPref(key: 'toasts' | 'sound' | 'browser', on: boolean) {
    const sw = staff.getByTestId(`notification-pref-${key}`);
    if ((await sw.getAttribute('aria-checked')) === String(on)) return;
    const saved = staff.waitForResponse((r) => r.url().endsWith('/api/staff/me/notifications') && r.ok());
    await sw.click();
    await saved;
    expect(await sw.getAttribute('aria-checked')).toBe(String(on));
  }

  beforeAll(async () => {
    browser = await launchChromium();
    const made = await firmWithPortalClient(
      webUrl,
      { name: 'Escritório Aurora Contábil', slug },
      { email: staffEmail, password: staffPassword },
    );
    conversationId = made.conversationId;

    staffContext = await browser.newContext({ viewport: { width: 1366, height: 800 }, locale: 'pt-BR' });
    await staffContext.addInitScript(instrument);
    await staffContext.routeWebSocket(/\/socket\.io\//, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((m) => {
        if (holdReads && typeof m === 'string' && m.includes('"conversation:read"')) {
          heldReads.push(() => server.send(m));
        } else {
          server.send(m);
        }
      });
    });
    staff = await staffContext.newPage();
    await staff.goto(`${webUrl}/login`);
    await staff.getByTestId('staff-email').fill(staffEmail);
    await staff.getByTestId('staff-password').fill(staffPassword);
    await staff.getByTestId('staff-login-submit').click();
    await staff.waitForURL(/\/clientes/);

    clientContext = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'pt-BR' });
    client = await clientContext.newPage();
    await client.goto(`${webUrl}/@${slug}`);
    await client.getByTestId('portal-confirm').click();
    await client.getByTestId('portal-cnpj').fill('11222333000181');
    await client.getByTestId('portal-password-input').fill(made.clientPassword);
    await client.getByTestId('portal-login-submit').click();
    await client.waitForURL(new RegExp(`/@${slug}/app`));
    await client.getByTestId('tab-chat').click();
    await client.getByTestId('conversation-view').waitFor();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows a new client message on any page: badges, title, toast and chime; the toast opens it and the badge goes at once', async () => {
    await staff.getByTestId('nav-inbox').waitFor();
    expect(await staff.getByTestId('nav-inbox').textContent()).toContain('Atendimento');
    expect(await staff.getByTestId('nav-inbox-badge').count()).toBe(0);
    expect(await staff.title()).not.toMatch(/^\(/);

    await clientSays(
      'Bom dia! Preciso da segunda via da guia do DAS de março, venceu ontem e o banco não aceita mais.',
    );

    // Still on Gerenciar Permissões: the nav, the tab title and a toast say so.
    await staff.locator('[data-testid="nav-inbox-badge"][data-count="1"]').waitFor();
    await staff.locator('[data-testid="nav-monitor-badge"][data-count="1"]').waitFor();
    expect(staff.url()).toMatch(/\/clientes/);
    expect(await staff.title()).toMatch(/^\(1\) .*ConnectHub$/);
    expect(await staff.getByTestId('nav-inbox').getAttribute('aria-label')).toBe(
      'Atendimento, 1 mensagem não lida',
    );
    await toasts().waitFor();
    const toastText = (await toasts().textContent()) ?? '';
    expect(toastText).toContain(clientName);
    expect(toastText).toContain('Bom dia! Preciso da segunda via');
    expect(await oscillators()).toBeGreaterThan(0);

    // Opening it clears its badge before the server has even heard of the read.
    holdReads = true;
    await toasts().getByRole('link').click();
    await staff.waitForURL(new RegExp(`/inbox/${conversationId}$`));
    await staff.getByTestId('conversation-view').waitFor();
    await staff.getByTestId('nav-inbox-badge').waitFor({ state: 'detached' });
    await row().and(staff.locator('[data-unread="0"]')).waitFor();
    expect(await staff.title()).not.toMatch(/^\(/);
    expect(await toasts().count()).toBe(0);
    await staff.waitForFunction(() => true);
    expect(heldReads.length).toBeGreaterThan(0);

    // The server hears of it after all; the count stays at zero.
    holdReads = false;
    for (const send of heldReads.splice(0)) send();
    await staff.getByTestId('nav-monitor-badge').waitFor({ state: 'detached' });
    expect(await staff.getByTestId('nav-inbox-badge').count()).toBe(0);
  });

  it('tags each conversation by who owes the next answer, and stays quiet about the one on screen', async () => {
    const tag = () => row().getByTestId('inbox-row-waiting');
    // The client wrote last: the firm owes the answer.
    await row().locator('[data-waiting="firm"]').waitFor();
    expect(await tag().textContent()).toContain('aguardando resposta');

    await staff.getByTestId('composer-input').fill('Bom dia! Já gero a segunda via e envio aqui.');
    await staff.getByTestId('composer-send').click();
    await row().locator('[data-waiting="client"]').waitFor();
    expect(await tag().textContent()).toContain('aguardando cliente');

    const before = await oscillators();
    await clientSays('Obrigado, fico no aguardo.');
    await staff
      .locator('[data-testid="message"][data-sender-kind="client"]')
      .filter({ hasText: 'fico no aguardo' })
      .waitFor();
    await row().locator('[data-waiting="firm"]').waitFor();
    // Open and visible: no toast, no chime, no badge.
    expect(await toasts().count()).toBe(0);
    expect(await oscillators()).toBe(before);
    expect(await staff.getByTestId('nav-inbox-badge').count()).toBe(0);
  });

  it('keeps quiet when the person turned toasts and sound off (saved for them)', async () => {
    await staff.goto(`${webUrl}/clientes`);
    await openNotificationSettings();
    await setPref('toasts', false);
    await setPref('sound', false);
    await staff.getByTestId('notification-settings-close').click();

    // Saved on the server: a reload brings the same switches back.
    await staff.reload();
    await openNotificationSettings();
    expect(await staff.getByTestId('notification-pref-toasts').getAttribute('aria-checked')).toBe('false');
    expect(await staff.getByTestId('notification-pref-sound').getAttribute('aria-checked')).toBe('false');
    expect(await staff.getByTestId('notification-pref-browser').getAttribute('aria-checked')).toBe('true');
    await staff.getByTestId('notification-settings-close').click();

    await connected();
    await clientSays('Outra coisa: a folha de novembro já saiu?');
    // The badge comes with the same socket events a toast would: by now it would be there.
    await staff.locator('[data-testid="nav-inbox-badge"][data-count="1"]').waitFor();
    expect(await staff.title()).toMatch(/^\(1\) /);
    expect(await toasts().count()).toBe(0);
    expect(await oscillators()).toBe(0);
  });

  it('notifies through the browser while the tab is in the background, with consent; clicking opens the conversation', async () => {
    await openNotificationSettings();
    await setPref('toasts', true);
    // Asked only from the button, never on its own.
    const ask = staff.getByTestId('notification-permission');
    await ask.click();
    await ask.waitFor({ state: 'detached' });
    await staff.getByTestId('notification-settings-close').click();

    await staff.evaluate(() => {
      (window as unknown as { __hidden: boolean }).__hidden = true;
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await clientSays('Mais uma: preciso do recibo de honorários.');
    await staff.waitForFunction(
      () => (window as unknown as { __notifications: unknown[] }).__notifications.length === 1,
    );
    const shown = await staff.evaluate(() => {
      const [n] = (window as unknown as { __notifications: { title: string; options?: { body?: string } }[] })
        .__notifications;
      return { title: n.title, body: n.options?.body };
    });
    expect(shown).toEqual({ title: clientName, body: 'Mais uma: preciso do recibo de honorários.' });

    await staff.evaluate(() => {
      (window as unknown as { __hidden: boolean }).__hidden = false;
      document.dispatchEvent(new Event('visibilitychange'));
      (window as unknown as { __notifications: { onclick: () => void }[] }).__notifications[0].onclick();
    });
    await staff.waitForURL(new RegExp(`/inbox/${conversationId}$`));
    await staff.getByTestId('nav-inbox-badge').waitFor({ state: 'detached' });
    // And the server was told: the client sees it read.
    await client
      .locator('[data-testid="message"][data-sender-kind="client"][data-status="read"]')
      .filter({ hasText: 'recibo de honorários' })
      .waitFor();
  });

  it('fits the staff shell and the inbox from 360 px up, badges included, every action in reach', async () => {
    await staff.goto(`${webUrl}/clientes`);
    await connected();
    await clientSays('Última: o boleto do IPTU também, por favor.');
    await staff.locator('[data-testid="nav-inbox-badge"][data-count="1"]').waitFor();

    async function fits(width: number, path: string) {
      await staff.setViewportSize({ width, height: 800 });
      await staff.goto(`${webUrl}${path}`);
      await staff.getByTestId('user-menu').waitFor();
      if (path === '/inbox') await staff.getByTestId('inbox-search').waitFor();
      if (path.startsWith('/inbox/')) await staff.getByTestId('conversation-view').waitFor();
      else await staff.getByTestId(width < 600 ? 'nav-menu-badge' : 'nav-inbox-badge').waitFor();
      expect({ width, path, overflow: await horizontalOverflow(staff) }).toEqual({
        width,
        path,
        overflow: 0,
      });
      const menu = await staff.getByTestId('user-menu').boundingBox();
      expect(menu && menu.x >= 0 && menu.x + menu.width <= width).toBe(true);
    }

    // With the unread badges in the nav (nothing opened yet).
    for (const width of [1366, 1200, 1024, 800, 390, 360]) {
      for (const path of ['/clientes', '/inbox']) await fits(width, path);
      expect(await staff.getByTestId('inbox-row-unread').count()).toBe(1);
      if (width < 600) {
        // The sections fold into one menu, reachable and complete.
        await staff.getByTestId('nav-menu-badge').waitFor();
        await staff.getByTestId('nav-menu').click();
        for (const id of ['clientes', 'inbox', 'guias', 'documentos', 'monitor', 'equipe']) {
          expect(await staff.getByTestId(`nav-${id}-compact`).isVisible()).toBe(true);
        }
        await staff.getByTestId('nav-monitor-compact').click();
        await staff.waitForURL(/\/monitor$/);
      }
    }
    for (const width of [1024, 390, 360]) await fits(width, `/inbox/${conversationId}`);
  });
});
