import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type AppConfig, parseConfig } from './config.schema.js';

export const APP_CONFIG = Symbol('APP_CONFIG');
export type { AppConfig };

// backend/src/config in the sources, backend/dist/config in the build: the repo is 3 up.
const repoRoot = path.resolve(import.meta.dirname, '../../..');

/**
 * The development SECRET_KEY that `npm start` keeps in `<data dir>/secret.key` (see
 * scripts/lib/services.mjs), created the same way when no script has made it yet.
 */
export function devSecretKey(dataDir: string): string {
  const file = path.join(dataDir, 'secret.key');
  mkdirSync(dataDir, { recursive: true });
  try {
    // 'wx' so two processes starting at once cannot each write a different key.
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return readFileSync(file, 'utf8').trim();
}

/**
 * The environment with the dev key filled in when SECRET_KEY is unset, so `npm run
 * start:api` and `start:worker` need only MONGO_URL and REDIS_URL, like `npm start`.
 * Production must be given its key: one made up here would be lost with the container.
 */
export function withDevSecretKey(
  env: Record<string, string | undefined>,
  log: (line: string) => void,
): Record<string, string | undefined> {
  if (env.SECRET_KEY || env.NODE_ENV === 'production') return env;
  const dataDir = path.resolve(repoRoot, env.CONNECTHUB_DATA_DIR || '.data');
  const key = devSecretKey(dataDir);
  log(`config: SECRET_KEY is not set; using the development key in ${path.join(dataDir, 'secret.key')}`);
  return { ...env, SECRET_KEY: key };
}

/**
 * The only place that reads process.env. A bad or missing variable stops the
 * process with one line per problem naming it.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const parsed = parseConfig(withDevSecretKey(env, (line) => process.stderr.write(`${line}\n`)));
  if (!parsed.ok) {
    for (const e of parsed.errors) process.stderr.write(`config error: ${e}\n`);
    process.exit(1);
  }
  return parsed.config;
}
