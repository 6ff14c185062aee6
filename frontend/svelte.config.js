import path from 'node:path';
import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    // WEB_BUILD_DIR (relative to frontend/) lets `npm test` build beside the `build/` that a
    // running `npm start` serves; server.js reads the same variable.
    adapter: adapter({ out: path.resolve(import.meta.dirname, process.env.WEB_BUILD_DIR || 'build') }),
    // Every page is rendered per request (SPA shell, no prerendering), so 'auto' means a fresh
    // nonce on SvelteKit's inline bootstrap script; nothing else inline may run.
    csp: {
      mode: 'auto',
      directives: {
        'default-src': ['self'],
        'script-src': ['self'],
        'style-src': ['self'],
        // Style attributes (app.html's wrapper, Svelte's style= bindings) cannot run code;
        // <style> elements and stylesheets stay limited to our own files.
        'style-src-attr': ['unsafe-inline'],
        'img-src': ['self', 'data:'],
        'font-src': ['self'],
        // 'self' covers the same-origin Socket.IO websocket too (CSP level 3).
        'connect-src': ['self'],
        'object-src': ['none'],
        'base-uri': ['none'],
        'form-action': ['self'],
        'frame-ancestors': ['none'],
      },
    },
  },
};

export default config;
