import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { dropDatabase } from '../../backend/test/helpers/db.js';
import {
  freePort,
  startApiProcess,
  startWebProcess,
  startWorkerProcess,
} from '../../backend/test/helpers/processes.js';

/** The built api and web server, as `npm start` runs them, on free ports with a fresh database. */
export default async function setup(project: TestProject) {
  const { MONGO_URL, REDIS_URL } = process.env;
  if (!MONGO_URL || !REDIS_URL) throw new Error('MONGO_URL and REDIS_URL must be set (npm run services:up)');
  const db = new URL(MONGO_URL);
  db.pathname = `/t_browser_${randomBytes(4).toString('hex')}`;
  const webUrl = `http://127.0.0.1:${await freePort()}`;
  // Shared, as in production: the web server signs what it forwards with it (TRUST_PROXY=web).
  const SECRET_KEY = randomBytes(32).toString('base64');
  const env = {
    NODE_ENV: 'test',
    MONGO_URL: db.toString(),
    REDIS_URL,
    REDIS_KEY_PREFIX: `tb${randomBytes(3).toString('hex')}:`,
    SECRET_KEY,
    PUBLIC_URL: webUrl,
    ARGON2_MEMORY_KIB: '1024',
  };
  const api = await startApiProcess(env);
  // Guias are read and delivered by the worker (queue guide-delivery), as in production.
  const worker = await startWorkerProcess(env);
  // From frontend/build-test (`npm test` builds there), not the build/ `npm start` serves.
  const web = await startWebProcess({
    WEB_PORT: new URL(webUrl).port,
    API_URL: api.url,
    ORIGIN: webUrl,
    SECRET_KEY,
  });
  // Untyped on purpose: a ProvidedContext augmentation would need vitest's types in svelte-check.
  const provide = project.provide.bind(project) as unknown as (key: string, value: string) => void;
  provide('webUrl', webUrl);
  provide('apiUrl', api.url);

  return async () => {
    await Promise.all([web.stop(), api.stop(), worker.stop()]);
    await dropDatabase(db.toString());
  };
}
