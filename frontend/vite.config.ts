import { sveltekit } from '@sveltejs/kit/vite';
import type { ProxyOptions } from 'vite';
import { defineConfig } from 'vite';

// The browser only ever talks to the web origin; /api and /socket.io are forwarded to the API.
const apiUrl = process.env.API_URL ?? 'http://127.0.0.1:3000';

// Same answer as server.js when the API is down, so the app shows the same error state in dev.
const api: ProxyOptions = {
  target: apiUrl,
  changeOrigin: false,
  xfwd: true,
  configure(proxy) {
    proxy.on('error', (_err, _req, res) => {
      if (!('req' in res) || res.headersSent) return;
      res.writeHead(502, { 'content-type': 'application/json; charset=utf-8' });
      res.end(
        JSON.stringify({
          error: { code: 'API_UNAVAILABLE', message: 'O servidor da API não está respondendo.' },
        }),
      );
    });
  },
};
const socket: ProxyOptions = { target: apiUrl, ws: true, changeOrigin: false, xfwd: true };

export default defineConfig({
  plugins: [sveltekit()],
  server: {
    port: Number(process.env.WEB_PORT ?? 5173),
    proxy: { '/api': api, '/socket.io': socket },
  },
  preview: {
    proxy: { '/api': api, '/socket.io': socket },
  },
});
