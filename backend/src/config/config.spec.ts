import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, withDevSecretKey } from './config.js';
import { parseConfig } from './config.schema.js';

const services = { MONGO_URL: 'mongodb://127.0.0.1:27017/x', REDIS_URL: 'redis://127.0.0.1:6379' };

describe('the development SECRET_KEY', () => {
  let dataDir: string;
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'ch-config-'));
    lines.length = 0;
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is created in the data dir when none is given, once, and says so in one line', () => {
    const env = { ...services, CONNECTHUB_DATA_DIR: dataDir };
    const first = withDevSecretKey(env, log).SECRET_KEY ?? '';
    expect(Buffer.from(first, 'base64')).toHaveLength(32);
    const file = path.join(dataDir, 'secret.key');
    expect(readFileSync(file, 'utf8').trim()).toBe(first);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(withDevSecretKey(env, log).SECRET_KEY).toBe(first);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(`development key in ${file}`);
  });

  it('is the one `npm start` already wrote', () => {
    const key = Buffer.alloc(32, 9).toString('base64');
    writeFileSync(path.join(dataDir, 'secret.key'), `${key}\n`);
    const r = parseConfig(withDevSecretKey({ ...services, CONNECTHUB_DATA_DIR: dataDir }, log));
    expect(r.ok && r.config.SECRET_KEY).toBe(key);
  });

  it('is not used when SECRET_KEY is set', () => {
    const key = Buffer.alloc(32, 3).toString('base64');
    const env = { ...services, SECRET_KEY: key, CONNECTHUB_DATA_DIR: dataDir };
    expect(withDevSecretKey(env, log)).toBe(env);
    expect(lines).toEqual([]);
  });

  it('is never used in production, which still requires SECRET_KEY', () => {
    const env = { ...services, NODE_ENV: 'production', CONNECTHUB_DATA_DIR: dataDir };
    const r = parseConfig(withDevSecretKey(env, log));
    expect(r.ok ? [] : r.errors).toContain('SECRET_KEY is required');
    expect(lines).toEqual([]);
  });

  it('lets loadConfig boot with only MONGO_URL and REDIS_URL', () => {
    const config = loadConfig({ ...services, CONNECTHUB_DATA_DIR: dataDir });
    expect(config.SECRET_KEY).toBe(readFileSync(path.join(dataDir, 'secret.key'), 'utf8').trim());
  });
});
