import { inject } from 'vitest';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium, headless, with the flags this sandbox needs (no network beyond loopback). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Addresses of the api and web server the global setup started. */
export function serverUrls(): { webUrl: string; apiUrl: string } {
  const get = inject as unknown as (key: string) => string;
  return { webUrl: get('webUrl'), apiUrl: get('apiUrl') };
}

/** A JSON call to the api through the web server (setup steps the test does not click through). */
async function apiCall<T>(
  webUrl: string,
  path: string,
  body: unknown,
  token?: string,
  method = 'POST',
): Promise<T> {
  const res = await fetch(`${webUrl}/api${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** A firm (through the API) with one client whose portal is enabled: what most browser tests start from. */
export async function firmWithPortalClient(
  webUrl: string,
  firm: { name: string; slug: string },
  admin: { email: string; password: string },
): Promise<{ token: string; clientPassword: string; conversationId: string }> {
  const { token } = await apiCall<{ token: string }>(webUrl, '/firms', {
    firm,
    admin: { name: 'Ana Souza', ...admin },
  });
  const client = await apiCall<{ id: string }>(
    webUrl,
    '/clients',
    { cnpj: '11.222.333/0001-81', name: 'Padaria Pão Quente Ltda' },
    token,
  );
  const enabled = await apiCall<{ password: string; conversationId: string | null }>(
    webUrl,
    `/clients/${client.id}/portal`,
    { enabled: true },
    token,
    'PUT',
  );
  return { token, clientPassword: enabled.password, conversationId: enabled.conversationId ?? '' };
}

/** How far the page scrolls sideways (px; 0 or less: it fits the window). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** A small, valid one-page PDF (a certidão): a document the firm sends in browser tests. */
export function minimalPdf(): Uint8Array<ArrayBuffer> {
  const objects = [
    '<</Type/Catalog/Pages 2 0 R>>',
    '<</Type/Pages/Kids[3 0 R]/Count 1>>',
    '<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>',
  ];
  const text = 'BT /F1 18 Tf 72 760 Td (Certidao Negativa de Debitos) Tj ET';
  objects.push(`<</Length ${text.length}>>\nstream\n${text}\nendstream`);
  objects.push('<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>');
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) body += `${String(off).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<</Size ${objects.length + 1}/Root 1 0 R>>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(body);
}
