import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestSocket, waitForEvent } from '../helpers/app.js';
import { makeFirm, type StaffSession } from '../helpers/factories.js';

const publicUrl = 'https://portal.example.com.br';

describe('api security headers and allowed origins', () => {
  let t: TestApp;
  let staff: StaffSession;
  const sockets: TestSocket[] = [];
  beforeAll(async () => {
    t = await startTestApp('security', { PUBLIC_URL: publicUrl });
    staff = await makeFirm(t);
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await t.close();
  });

  /** A socket with the session cookie, as a browser on `origin` would open it. */
  function browserSocket(origin?: string, transport: 'websocket' | 'polling' = 'websocket') {
    const s = io(t.url, {
      path: '/socket.io',
      transports: [transport],
      forceNew: true,
      reconnection: false,
      extraHeaders: { Cookie: `session=${staff.token}`, ...(origin ? { Origin: origin } : {}) },
    }) as TestSocket;
    sockets.push(s);
    return s;
  }

  it('sends the security headers on JSON and errors, and no X-Powered-By', async () => {
    for (const res of [
      await t.http().get('/api/health'),
      await t.http().get('/api/staff/me').set(staff.auth),
      await t.http().get('/api/nope'),
    ]) {
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['strict-transport-security']).toMatch(/^max-age=\d{8,}/);
    }
  });

  it('lets the API docs load their own scripts and nothing else', async () => {
    const res = await t.http().get('/api/docs/').redirects(1);
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['content-security-policy']).not.toContain('unsafe-eval');
  });

  it('sends no HSTS when PUBLIC_URL is http', async () => {
    const plain = await startTestApp('security-http', { PUBLIC_URL: 'http://localhost:5173' });
    try {
      const res = await plain.http().get('/api/health');
      expect(res.headers['strict-transport-security']).toBeUndefined();
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    } finally {
      await plain.close();
    }
  });

  it('refuses a socket handshake from a foreign origin, over websocket and polling', async () => {
    for (const transport of ['websocket', 'polling'] as const) {
      const s = browserSocket('http://evil.example', transport);
      const err = await waitForEvent<Error>(s, 'connect_error');
      expect(err).toBeInstanceOf(Error);
      expect(s.connected).toBe(false);
    }
  });

  it("accepts PUBLIC_URL's origin, and no Origin at all (servers, scripts)", async () => {
    await waitForEvent(browserSocket(publicUrl), 'connect');
    await waitForEvent(browserSocket(), 'connect');
  });

  it('accepts a same-origin page however it was addressed (the web server proxies /socket.io)', async () => {
    // The page was opened at the api's own host name, not PUBLIC_URL's: Origin and Host agree.
    await waitForEvent(browserSocket(t.url), 'connect');
  });

  it("answers CORS preflights for PUBLIC_URL's origin only", async () => {
    const polling = '/socket.io/?EIO=4&transport=polling';
    const ours = await t.http().get(polling).set('Origin', publicUrl);
    expect(ours.headers['access-control-allow-origin']).toBe(publicUrl);
    const theirs = await t.http().get(polling).set('Origin', 'http://evil.example');
    expect(theirs.status).toBe(403);
    expect(theirs.headers['access-control-allow-origin']).not.toBe('http://evil.example');
  });
});
