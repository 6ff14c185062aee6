import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firmWithPortalClient, launchChromium, minimalPdf, serverUrls } from './browser.js';

const PHONE = { width: 390, height: 844 };
const FIRM = 'Contabilidade Demo Ltda';
const CNPJ = '11222333000181';

/** The page never scrolls sideways. */
function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** Every time a text shows "CNPJ inválido", in what a person sees. */
async function cnpjInvalidCount(page: Page): Promise<number> {
  const text = await page.evaluate(() => document.body.innerText);
  return (text.match(/CNPJ inválido/g) ?? []).length;
}

/** A gendered article or a contraction before the firm's name ("com o Contabilidade…", "do Contabilidade…"). */
function articleBeforeFirm(text: string): string[] {
  return text.match(/\b(?:(?:com|para|por|de|em) o|do|ao|no|pelo) Contabilidade\b/gi) ?? [];
}

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** The date chips and the messages inside the visible part of the message list. */
function visibleBoxes(page: Page) {
  return page.getByTestId('message-list').evaluate((list) => {
    const view = list.getBoundingClientRect();
    const box = (el: Element) => {
      const r = el.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    };
    const inView = (b: { y: number; height: number }) => b.y + b.height > view.top && b.y < view.bottom;
    return {
      top: view.top,
      chips: Array.from(list.querySelectorAll('[data-testid="day-separator"] span')).map(box).filter(inView),
      messages: Array.from(list.querySelectorAll('[data-testid="message"]')).map(box).filter(inView),
    };
  });
}

/**
 * The client portal on a 390×844 phone: the login says an invalid CNPJ once and warns before
 * the lock; the chat gives the conversation the screen; no article before the firm's name;
 * and, for every screen, the staff login starts in its e-mail field and dialogs keep Tab.
 */
describe('Client portal on a phone in Chromium', () => {
  let browser: Browser;
  const { webUrl } = serverUrls();
  const stamp = Date.now().toString(36);
  const slug = `phone-${stamp}`;
  const lockSlug = `phone-lock-${stamp}`;
  const staffEmail = `ana@${slug}.com.br`;
  const staffPassword = 'senha-forte-123';
  let staffToken = '';
  let clientPassword = '';

  beforeAll(async () => {
    browser = await launchChromium();
    const made = await firmWithPortalClient(
      webUrl,
      { name: FIRM, slug },
      { email: staffEmail, password: staffPassword },
    );
    staffToken = made.token;
    clientPassword = made.clientPassword;
    // A firm of its own for the lock, so the other tests can still log in from this address.
    await firmWithPortalClient(
      webUrl,
      { name: FIRM, slug: lockSlug },
      { email: `ana@${lockSlug}.com.br`, password: staffPassword },
    );
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function phone(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: PHONE, locale: 'pt-BR' });
    return { context, page: await context.newPage() };
  }

  async function toLoginForm(page: Page, at: string) {
    await page.goto(`${webUrl}/@${at}`);
    await page.getByTestId('portal-confirm').click();
    await page.getByTestId('portal-cnpj').waitFor();
  }

  async function loginAs(page: Page) {
    await toLoginForm(page, slug);
    await page.getByTestId('portal-cnpj').fill(CNPJ);
    await page.getByTestId('portal-password-input').fill(clientPassword);
    await page.getByTestId('portal-login-submit').click();
    await page.waitForURL(new RegExp(`/@${slug}/app/inicio$`));
    await page.getByTestId('panel-inicio').waitFor();
  }

  /** One login try with this password; the error the portal shows for it. */
  async function tryPassword(page: Page, password: string): Promise<string> {
    await page.getByTestId('portal-password-input').fill(password);
    // The previous error goes when the try starts, before the request: wait for this answer's.
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/login') && r.request().method() === 'POST'),
      page.getByTestId('portal-login-submit').click(),
    ]);
    const error = page.getByTestId('portal-login-error');
    await error.waitFor();
    return (await error.textContent()) ?? '';
  }

  it('says "CNPJ inválido" once, warns before the last tries, and says when the lock lifts', async () => {
    const { context, page } = await phone();
    await toLoginForm(page, lockSlug);

    // A CNPJ with a wrong check digit: said once, under the field.
    await page.getByTestId('portal-cnpj').fill('11.222.333/0001-82');
    await page.getByTestId('portal-password-input').fill('qualquer-coisa');
    await page.getByTestId('portal-login-submit').click();
    await page.getByTestId('cnpj-error').waitFor();
    expect(await cnpjInvalidCount(page)).toBe(1);
    expect(await page.getByTestId('portal-login-error').count()).toBe(0);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);

    await page.getByTestId('portal-cnpj').fill(CNPJ);
    const first = await tryPassword(page, 'errada-1');
    expect(first).toMatch(/CNPJ ou senha incorretos/);
    expect(first).not.toMatch(/tentativa/);
    await tryPassword(page, 'errada-2');
    expect(await tryPassword(page, 'errada-3')).toMatch(/restam 2 tentativas/);
    expect(await tryPassword(page, 'errada-4')).toMatch(/resta 1 tentativa\b/);
    // The fifth wrong try locks this address out of the CNPJ: the portal says until when.
    expect(await tryPassword(page, 'errada-5')).toMatch(/Tente de novo às \d{2}:\d{2}\./);
    // Any further try meets the lock (429), with the same plain answer.
    expect(await tryPassword(page, 'errada-6')).toMatch(/bloqueado.*Tente de novo às \d{2}:\d{2}\./);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await context.close();
  });

  it('gives the chat the screen: no covered message, the composer above the tabs, no article before the firm', async () => {
    // A document from the firm first (a card in the chat), then enough messages to scroll.
    const clients = await fetch(`${webUrl}/api/clients`, {
      headers: { authorization: `Bearer ${staffToken}` },
    }).then((r) => r.json() as Promise<{ items: { id: string; cnpj: string }[] }>);
    const clientId = clients.items.find((c) => c.cnpj === CNPJ)?.id ?? '';
    const form = new FormData();
    form.append('clientId', clientId);
    form.append('category', 'certidao');
    form.append('title', 'Certidão Negativa de Débitos');
    form.append('file', new Blob([minimalPdf()], { type: 'application/pdf' }), 'cnd.pdf');
    const sent = await fetch(`${webUrl}/api/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${staffToken}` },
      body: form,
    });
    expect(sent.ok).toBe(true);

    const { context, page } = await phone();
    await loginAs(page);
    // The document's message is unread: the Chat tab counts it, in words a screen reader says right.
    const badge = page.getByTestId('chat-tab-unread');
    await badge.waitFor();
    expect((await badge.textContent())?.replace(/\s+/g, ' ').trim()).toBe('1 mensagem nova');
    expect(articleBeforeFirm(await page.evaluate(() => document.body.innerText))).toEqual([]);
    expect(await page.evaluate(() => document.body.innerText)).toContain(FIRM);

    await page.getByTestId('tab-chat').click();
    await page.waitForURL(new RegExp(`/@${slug}/app/chat$`));
    await page.getByTestId('message-document').waitFor();
    const input = page.getByTestId('composer-input');
    const count = 16;
    for (let i = 1; i <= count; i++) {
      await input.fill(`Mensagem de teste número ${i}`);
      await input.press('Enter');
    }
    await expect
      .poll(() => page.locator('[data-testid="message"][data-status="sent"]').count(), { timeout: 15_000 })
      .toBeGreaterThanOrEqual(count);

    // As the client opens it: a fresh load, at the latest message.
    await page.reload();
    await page.getByTestId('message-document').waitFor();
    await expect.poll(() => page.getByTestId('message').count()).toBe(count + 1);
    const text = await page.evaluate(() => document.body.innerText);
    expect(articleBeforeFirm(text)).toEqual([]);

    // The conversation starts in the top fifth of the screen, not under a tall header (the app
    // bar, a "Chat" title, a sentence and an online pill put it below a quarter).
    const atBottom = await visibleBoxes(page);
    expect(atBottom.top).toBeLessThan(PHONE.height * 0.2);
    expect(atBottom.messages.length).toBeGreaterThan(0);
    expect(Math.min(...atBottom.messages.map((m) => m.y))).toBeLessThan(PHONE.height * 0.2);

    // The composer sits above the bottom tab bar, not under it.
    const composer = await input.boundingBox();
    const tabs = await page.getByRole('navigation', { name: 'Seções do portal' }).boundingBox();
    expect(composer && tabs).toBeTruthy();
    expect(composer!.y + composer!.height).toBeLessThanOrEqual(tabs!.y);

    // The date chip covers no message: at the latest messages, and from the very first one.
    for (const m of atBottom.messages) for (const c of atBottom.chips) expect(overlaps(c, m)).toBe(false);
    await page.getByTestId('message-list').evaluate((el) => el.scrollTo({ top: 0, behavior: 'instant' }));
    const atTop = await visibleBoxes(page);
    expect(atTop.chips.length).toBeGreaterThan(0);
    for (const m of atTop.messages) for (const c of atTop.chips) expect(overlaps(c, m)).toBe(false);
    await page
      .getByTestId('message-list')
      .evaluate((el) => el.scrollTo({ top: el.scrollHeight / 3, behavior: 'instant' }));
    const between = await visibleBoxes(page);
    for (const m of between.messages) for (const c of between.chips) expect(overlaps(c, m)).toBe(false);

    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await context.close();
  });

  it('keeps Tab and Shift+Tab inside an open dialog; Tab leaves a menu for the next control', async () => {
    const { context, page } = await phone();
    await loginAs(page);

    // A menu is not a dialog: Tab closes it and goes on to the control after its button.
    // Opened once the page has settled: on a loaded CI machine a click landing while Início
    // was still rendering its data once left the menu closed (a popover dismissed by that render).
    await page.waitForLoadState('networkidle');
    const panel = page.getByTestId('portal-account-menu-panel');
    for (let tries = 0; !(await panel.isVisible()); tries++) {
      expect(tries).toBeLessThan(3);
      await page.getByTestId('portal-account-menu').click();
      await panel.waitFor({ timeout: 3000 }).catch(() => undefined);
    }
    // An open menu takes the focus to its first item (a moment after it shows); Tab from there.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('role')))
      .toBe('menuitem');
    await page.keyboard.press('Tab');
    await page.getByTestId('portal-account-menu-panel').waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'portal-logout',
    );

    await page.getByTestId('portal-account-menu').click();
    await page.getByTestId('portal-change-password').click();
    const dialog = page.locator('dialog[open]');
    await dialog.waitFor();
    const tabbables = await dialog.evaluate(
      (d) =>
        Array.from(
          d.querySelectorAll<HTMLElement>('a[href], button:not(:disabled), input:not(:disabled), textarea'),
        ).filter((e) => e.tabIndex >= 0 && e.getClientRects().length > 0).length,
    );
    expect(tabbables).toBeGreaterThan(1);
    /** Where focus is among the dialog's controls; -1 when it left them. */
    const focusIndex = () =>
      dialog.evaluate((d) =>
        Array.from(
          d.querySelectorAll<HTMLElement>('a[href], button:not(:disabled), input:not(:disabled), textarea'),
        )
          .filter((e) => e.tabIndex >= 0 && e.getClientRects().length > 0)
          .indexOf(document.activeElement as HTMLElement),
      );

    // One more press than there are controls: every one is reached and focus never leaves.
    const forward = new Set<number>();
    for (let i = 0; i <= tabbables; i++) {
      await page.keyboard.press('Tab');
      const at = await focusIndex();
      expect(at).toBeGreaterThanOrEqual(0);
      forward.add(at);
    }
    expect(forward.size).toBe(tabbables);
    const backward = new Set<number>();
    for (let i = 0; i <= tabbables; i++) {
      await page.keyboard.press('Shift+Tab');
      const at = await focusIndex();
      expect(at).toBeGreaterThanOrEqual(0);
      backward.add(at);
    }
    expect(backward.size).toBe(tabbables);
    await context.close();
  });

  it('starts the staff login in the e-mail field', async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: 'pt-BR' });
    const page = await context.newPage();
    await page.goto(`${webUrl}/login`);
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('staff-email');
    // Typing goes straight into it.
    await page.keyboard.type(staffEmail);
    expect(await page.getByTestId('staff-email').inputValue()).toBe(staffEmail);
    await context.close();
  });
});
