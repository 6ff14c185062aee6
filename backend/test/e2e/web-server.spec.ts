import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { connect } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { makeFirm } from '../helpers/factories.js';
import { freePort, type NodeProcess, startWebProcess, webBuildDir } from '../helpers/processes.js';

const clientDir = path.resolve(import.meta.dirname, '../../../frontend', webBuildDir, 'client');

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A plain GET (no Accept-Encoding, so byte ranges are over the file itself). */
function get(port: number, urlPath: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error(`GET ${urlPath} timed out`)));
  });
}

/**
 * frontend/server.js from the test build, with no api behind it (only static files and the
 * SPA shell are asked for). No request may end the process: it must still be serving, and
 * must not have needed its last-resort uncaught-exception handler.
 */
describe('web server (frontend/server.js)', () => {
  let web: NodeProcess;
  let port: number;
  let asset: string;
  let assetBytes: Buffer;
  // Present when the server starts (so sirv lists them), then removed or replaced.
  const tag = `${process.pid}-${Date.now()}`;
  const deleted = `/vanish-${tag}.txt`;
  const replaced = `/replaced-${tag}.txt`;

  beforeAll(async () => {
    const entry = readdirSync(path.join(clientDir, '_app/immutable/entry')).find((f) => f.endsWith('.js'));
    if (!entry) throw new Error(`no entry chunk in ${clientDir}: rebuild the frontend`);
    asset = `/_app/immutable/entry/${entry}`;
    assetBytes = readFileSync(path.join(clientDir, asset));
    for (const f of [deleted, replaced]) writeFileSync(path.join(clientDir, f), 'short-lived\n');
    port = await freePort();
    web = await startWebProcess({ WEB_PORT: String(port), API_URL: `http://127.0.0.1:${await freePort()}` });
  });
  afterAll(async () => {
    await web?.stop();
    for (const f of [deleted, replaced]) rmSync(path.join(clientDir, f), { recursive: true, force: true });
  });

  it.each([
    ['bytes=10-5', 'last before first'],
    ['bytes=abc', 'not a range'],
    ['bytes=0-1,5-9', 'several ranges'],
    ['bytes=-5', 'a suffix range'],
    ['bytes=0-0', 'the first byte'],
    ['items=0-5', 'another unit'],
  ])('ignores Range %s (%s) and sends the whole file', async (range) => {
    const r = await get(port, asset, { Range: range });
    expect(r.status).toBe(200);
    expect(r.body.equals(assetBytes)).toBe(true);
  });

  it('ignores an inverted Range on /favicon.svg too', async () => {
    const r = await get(port, '/favicon.svg', { Range: 'bytes=100-1' });
    expect(r.status).toBe(200);
    expect(r.body.equals(readFileSync(path.join(clientDir, 'favicon.svg')))).toBe(true);
  });

  it('serves a valid range as 206 with exactly those bytes', async () => {
    const r = await get(port, asset, { Range: 'bytes=2-11' });
    expect(r.status).toBe(206);
    expect(r.headers['content-range']).toBe(`bytes 2-11/${assetBytes.length}`);
    expect(r.body.equals(assetBytes.subarray(2, 12))).toBe(true);
  });

  it('serves a range with a huge last byte to the end of the file', async () => {
    const r = await get(port, asset, { Range: `bytes=5-${'9'.repeat(30)}` });
    expect(r.status).toBe(206);
    expect(r.headers['content-range']).toBe(`bytes 5-${assetBytes.length - 1}/${assetBytes.length}`);
    expect(r.body.equals(assetBytes.subarray(5))).toBe(true);
  });

  it('answers 416 to a range that starts past the end', async () => {
    const r = await get(port, asset, { Range: `bytes=${'9'.repeat(30)}-` });
    expect(r.status).toBe(416);
    expect(r.headers['content-range']).toBe(`bytes */${assetBytes.length}`);
  });

  it('answers 404 for a missing asset and for a file deleted since the server started', async () => {
    expect((await get(port, '/_app/immutable/entry/missing.js')).status).toBe(404);
    rmSync(path.join(clientDir, deleted));
    expect((await get(port, deleted)).status).toBe(404);
  });

  it('ends only the response whose file cannot be read', async () => {
    // Still "exists", but reading it fails after the headers went out.
    rmSync(path.join(clientDir, replaced));
    mkdirSync(path.join(clientDir, replaced));
    await get(port, replaced).then(
      (r) => expect(r.body.length).toBeLessThan(12),
      (err: Error) => expect(err.message).toMatch(/socket hang up|aborted|ECONNRESET/),
    );
    await expect.poll(() => web.log()).toContain('EISDIR');
  });

  it('answers a malformed request with 400 and closes only that connection', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      let text = '';
      const socket = connect(port, '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      socket.on('data', (d) => (text += d));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
  });

  it('is still alive and serving, without having needed its last-resort handler', async () => {
    expect(web.proc.exitCode).toBeNull();
    expect(web.proc.signalCode).toBeNull();
    expect((await get(port, '/login')).status).toBe(200);
    expect((await get(port, asset)).body.equals(assetBytes)).toBe(true);
    expect(web.log()).not.toMatch(/uncaught/i);
  });

  it('sends the security headers, and a nonce-based CSP on the HTML', async () => {
    const html = await get(port, '/login');
    expect(html.headers['content-security-policy']).toMatch(/script-src 'self' 'nonce-[^']+'/);
    expect(html.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(html.headers['content-security-policy']).toContain("object-src 'none'");
    const nonce = /'nonce-([^']+)'/.exec(String(html.headers['content-security-policy']))?.[1];
    expect(html.body.toString()).toContain(`nonce="${nonce}"`);
    for (const r of [html, await get(port, asset)]) {
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['x-frame-options']).toBe('DENY');
      expect(r.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
      expect(r.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(r.headers['permissions-policy']).toContain('camera=()');
      // PUBLIC_URL is not https here.
      expect(r.headers['strict-transport-security']).toBeUndefined();
    }
  });

  it('sends HSTS when PUBLIC_URL is https', async () => {
    const httpsPort = await freePort();
    const secure = await startWebProcess({
      WEB_PORT: String(httpsPort),
      API_URL: `http://127.0.0.1:${await freePort()}`,
      PUBLIC_URL: 'https://portal.example.com.br',
    });
    try {
      const r = await get(httpsPort, '/login');
      expect(r.headers['strict-transport-security']).toMatch(/^max-age=\d{8,}/);
    } finally {
      await secure.stop();
    }
  });
});

/** A login through the web server, from a chosen loopback address (all of 127/8 is this machine). */
function loginVia(port: number, slug: string, from: string, xff?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ cnpj: '11222333000181', password: 'wrong-password' });
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/api/portal/${slug}/login`,
        localAddress: from,
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...(xff ? { 'x-forwarded-for': xff } : {}),
          // A client claiming to be the proxy changes nothing: the web server sets its own.
          'x-connecthub-proxy': 'forged',
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('web server in front of the api (TRUST_PROXY=web)', () => {
  let t: TestApp;
  let slug: string;
  const webs: NodeProcess[] = [];
  beforeAll(async () => {
    t = await startTestApp('web-proxy-ip');
    slug = (await makeFirm(t)).firm.slug;
  });
  afterAll(async () => {
    await Promise.all(webs.map((w) => w.stop()));
    await t.close();
  });

  const webWithKey = async (secretKey: string) => {
    const port = await freePort();
    webs.push(await startWebProcess({ WEB_PORT: String(port), API_URL: t.url, SECRET_KEY: secretKey }));
    return port;
  };

  it('counts each client by the address it connected to the web server from, whatever it claims', async () => {
    const port = await webWithKey(t.config.SECRET_KEY);
    for (let i = 0; i < 5; i++)
      expect(await loginVia(port, slug, '127.0.0.2', `198.51.100.${i + 1}`)).toBe(401);
    expect(await loginVia(port, slug, '127.0.0.2')).toBe(429);
    // Another client of the same web server (same connection to the api) is not locked out.
    expect(await loginVia(port, slug, '127.0.0.3')).toBe(401);
  });

  it('without the right key the api trusts nothing the web server says: everyone is one address', async () => {
    const port = await webWithKey(Buffer.alloc(32, 7).toString('base64'));
    for (let i = 0; i < 5; i++) expect(await loginVia(port, slug, '127.0.0.4')).toBe(401);
    expect(await loginVia(port, slug, '127.0.0.5')).toBe(429);
  });
});
