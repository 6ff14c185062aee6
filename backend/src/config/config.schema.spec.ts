import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.schema.js';

const valid = {
  MONGO_URL: 'mongodb://127.0.0.1:27017/x',
  REDIS_URL: 'redis://127.0.0.1:6379',
  SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
};

describe('parseConfig', () => {
  it('applies defaults', () => {
    const r = parseConfig(valid);
    expect(r.ok && r.config.PORT).toBe(3000);
    expect(r.ok && r.config.WEB_PORT).toBe(5173);
    expect(r.ok && r.config.LOGIN_RATE_PER_MINUTE).toBe(100);
  });

  it('names each missing or malformed variable', () => {
    const r = parseConfig({ REDIS_URL: 'http://nope', SECRET_KEY: 'short', PORT: 'abc' });
    expect(r.ok).toBe(false);
    const errors = r.ok ? [] : r.errors.join('\n');
    expect(errors).toMatch(/^MONGO_URL is required/m);
    expect(errors).toMatch(/^REDIS_URL must be a URL/m);
    expect(errors).toMatch(/^SECRET_KEY must be 32 bytes/m);
    expect(errors).toMatch(/^PORT /m);
  });

  it('reads TRUST_PROXY as web (the default), false, a hop count or a list of addresses and subnets', () => {
    const trust = (v?: string) => {
      const r = parseConfig(v === undefined ? valid : { ...valid, TRUST_PROXY: v });
      return r.ok ? r.config.TRUST_PROXY : r.errors;
    };
    expect(trust()).toBe('web');
    expect(trust('web')).toBe('web');
    expect(trust('loopback')).toEqual(['loopback']);
    expect(trust('false')).toBe(false);
    expect(trust('2')).toBe(2);
    expect(trust('10.0.0.5, 172.16.0.0/12,::1,fd00::/8')).toEqual([
      '10.0.0.5',
      '172.16.0.0/12',
      '::1',
      'fd00::/8',
    ]);
    for (const bad of ['true', 'webserver', '10.0.0.0/33', '10.0.0.1/8/1', '::1/129']) {
      expect(trust(bad)).toEqual([expect.stringMatching(/^TRUST_PROXY must be web, false, a hop count/)]);
    }
  });

  it('treats empty strings as unset', () => {
    const r = parseConfig({ ...valid, SMTP_URL: '', PORT: '' });
    expect(r.ok && r.config.SMTP_URL).toBeUndefined();
    expect(r.ok && r.config.PORT).toBe(3000);
  });
});
