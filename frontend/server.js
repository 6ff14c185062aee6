// Production web server: serves the SvelteKit app (adapter-node handler) and forwards
// /api and /socket.io (HTTP and websocket upgrades) to the API, so the browser only ever
// talks to one origin and the httpOnly session cookie just works.
import http from 'node:http';
import { createProxyServer } from 'http-proxy-3';
import { handler } from './build/handler.js';

const apiUrl = process.env.API_URL ?? 'http://127.0.0.1:3000';
const port = Number(process.env.WEB_PORT ?? 5173);
const host = process.env.WEB_HOST ?? '0.0.0.0';

const proxy = createProxyServer({ target: apiUrl, xfwd: true });

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

const server = http.createServer((req, res) => {
  if (isProxied(req.url)) proxy.web(req, res);
  else handler(req, res);
});

server.on('upgrade', (req, socket, head) => {
  if (isProxied(req.url)) proxy.ws(req, socket, head);
  else socket.destroy();
});

server.listen(port, host, () => {
  console.log(`[web] listening on http://${host}:${port} (API at ${apiUrl})`);
});

function shutdown() {
  server.close(() => process.exit(0));
  // Open keep-alive and websocket connections would hold close() forever.
  setTimeout(() => process.exit(0), 3000).unref();
  server.closeAllConnections?.();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
