// Production web server: serves the SvelteKit app (adapter-node handler) and forwards
// /api and /socket.io (HTTP and websocket upgrades) to the API, so the browser only ever
// talks to one origin and the httpOnly session cookie just works.
import { createHmac } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createProxyServer } from 'http-proxy-3';

const apiUrl = process.env.API_URL ?? 'http://127.0.0.1:3000';
const port = Number(process.env.WEB_PORT ?? 5173);
const host = process.env.WEB_HOST ?? '0.0.0.0';
// The same variable svelte.config.js builds into, so `npm test` can serve its own build.
const buildDir = path.resolve(import.meta.dirname, process.env.WEB_BUILD_DIR || 'build');
const httpsOnly = (process.env.PUBLIC_URL ?? '').startsWith('https:');

const handlerFile = path.join(buildDir, 'handler.js');
if (!existsSync(handlerFile)) {
  const env = process.env.WEB_BUILD_DIR ? `WEB_BUILD_DIR=${process.env.WEB_BUILD_DIR} ` : '';
  console.error(`[web] ${handlerFile} is missing: run \`${env}npm run build\` first`);
  process.exit(1);
}
const { handler } = await import(pathToFileURL(handlerFile).href);

// sirv lists the static files once at startup and then trusts that list; remembering it
// lets a file deleted since (a rebuild of this directory) answer 404 instead of an error.
const clientDir = path.join(buildDir, 'client');
const staticFiles = new Set(
  readdirSync(clientDir, { recursive: true }).map((f) => `/${String(f).split(path.sep).join('/')}`),
);

// The HTML's Content-Security-Policy comes from SvelteKit (kit.csp in svelte.config.js), with
// a nonce per response; these apply to everything the web server answers itself. Proxied
// /api responses carry the api's own.
const securityHeaders = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  'Cross-Origin-Opener-Policy': 'same-origin',
  ...(httpsOnly ? { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' } : {}),
};

/**
 * Proves to the api that a request came through here, so it counts the client by the
 * X-Forwarded-For entry this server appends (its TRUST_PROXY=web; see the api's
 * common/client-ip.ts, which derives the same value). Without SECRET_KEY outside
 * production, the dev key `npm start` and the api use.
 */
function proxyToken() {
  let key = process.env.SECRET_KEY;
  const devKeyFile = path.resolve(
    import.meta.dirname,
    '..',
    process.env.CONNECTHUB_DATA_DIR || '.data',
    'secret.key',
  );
  if (!key && process.env.NODE_ENV !== 'production' && existsSync(devKeyFile)) {
    key = readFileSync(devKeyFile, 'utf8').trim();
  }
  if (!key) {
    console.warn('[web] no SECRET_KEY: the api will count every client behind this server as one address');
    return null;
  }
  return createHmac('sha256', Buffer.from(key, 'base64')).update('connecthub:web-proxy').digest('base64url');
}
const token = proxyToken();

const proxy = createProxyServer({ target: apiUrl, xfwd: true });
// Set on every forwarded request, replacing whatever a client sent under that name.
const stampProxied = (proxyReq) => {
  if (token) proxyReq.setHeader('x-connecthub-proxy', token);
  else proxyReq.removeHeader('x-connecthub-proxy');
};
proxy.on('proxyReq', stampProxied);
proxy.on('proxyReqWs', stampProxied);

proxy.on('error', (err, req, res) => {
  console.error(`[web] proxy ${req.method} ${req.url} -> ${apiUrl}: ${err.message}`);
  // For websocket upgrades `res` is the raw socket.
  if (!(res instanceof http.ServerResponse)) {
    res.destroy();
    return;
  }
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(502, { 'content-type': 'application/json; charset=utf-8' });
  res.end(
    JSON.stringify({
      error: { code: 'API_UNAVAILABLE', message: 'O servidor da API não está respondendo.' },
    }),
  );
});

function isProxied(url = '/') {
  const path = url.split('?', 1)[0];
  return (
    path === '/api' || path.startsWith('/api/') || path === '/socket.io' || path.startsWith('/socket.io/')
  );
}

/**
 * sirv (adapter-node's static server) trusts the Range header: `bytes=10-5` or a last byte
 * past 2^53 make it open a read stream it cannot, which throws after the headers went out,
 * and `bytes=-500` or `bytes=0-0` come back wrong. Only a single `first-` or `first-last`
 * range with last >= first (and not `0-0`) reaches it, a huge last becoming "to the end";
 * RFC 9110 §14.2 lets a server ignore any other Range and send the whole file. One that
 * starts past the end still gets sirv's 416.
 */
function normalizeRange(req) {
  const range = req.headers.range;
  if (range === undefined) return;
  const m = /^bytes=(\d+)-(\d*)$/.exec(range.trim());
  const [first, last] = m ? [Number(m[1]), m[2] === '' ? Infinity : Number(m[2])] : [];
  if (!m || last < first || last === 0) delete req.headers.range;
  else if (last > Number.MAX_SAFE_INTEGER) req.headers.range = `bytes=${m[1]}-`;
}

function vanished(url = '/') {
  let pathname = url.split('?', 1)[0];
  try {
    pathname = decodeURIComponent(pathname);
  } catch {
    return false;
  }
  return staticFiles.has(pathname) && !existsSync(path.join(clientDir, pathname));
}

/** Whatever goes wrong inside one request ends that response, never the process. */
function failRequest(req, res, err) {
  console.error(`[web] ${req.method} ${req.url}: ${err.stack ?? err}`);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
  res.end('Internal Server Error');
}

async function serveApp(req, res) {
  for (const [name, value] of Object.entries(securityHeaders)) res.setHeader(name, value);
  if (vanished(req.url)) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Not Found');
    return;
  }
  normalizeRange(req);
  // sirv pipes a file stream into the response without an error listener; a read error
  // (the file deleted after the check above) would otherwise be an uncaught exception.
  res.on('pipe', (source) => source.on('error', (err) => failRequest(req, res, err)));
  try {
    await handler(req, res);
  } catch (err) {
    failRequest(req, res, err);
  }
}

const server = http.createServer((req, res) => {
  if (isProxied(req.url)) proxy.web(req, res);
  else void serveApp(req, res);
});

server.on('upgrade', (req, socket, head) => {
  socket.on('error', (err) => console.error(`[web] upgrade ${req.url}: ${err.message}`));
  if (isProxied(req.url)) proxy.ws(req, socket, head);
  else socket.destroy();
});

// A malformed request never reaches a handler: answer it like Node's default would and
// close that connection only.
server.on('clientError', (err, socket) => {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? '431 Request Header Fields Too Large'
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? '408 Request Timeout'
        : '400 Bad Request';
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
});

// Last resort only: every request path above contains its own errors. Should one still
// escape, log it loudly and keep serving the other connections.
process.on('uncaughtException', (err) => {
  console.error(`[web] uncaught exception (kept running): ${err.stack ?? err}`);
});

// A failed boot (the port is taken) must end the process, so whoever started it notices.
server.on('error', (err) => {
  console.error(`[web] ${err.message}`);
  process.exit(1);
});

server.listen(port, host, () => {
  console.log(`[web] listening on http://${host}:${port} (API at ${apiUrl}, app from ${buildDir})`);
});

function shutdown() {
  server.close(() => process.exit(0));
  // Open keep-alive and websocket connections would hold close() forever.
  setTimeout(() => process.exit(0), 3000).unref();
  server.closeAllConnections?.();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
