import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  generatePortalPassword,
  hashPassword,
  SecretBox,
  sessionIdOf,
  newSessionToken,
  verifyPassword,
} from './secrets.js';

describe('secrets', () => {
  it('generates readable passwords without ambiguous characters, all different', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const p = generatePortalPassword();
      expect(p).toMatch(/^[A-Za-z2-9]{4}-[A-Za-z2-9]{4}-[A-Za-z2-9]{4}$/);
      expect(p).not.toMatch(/[0O1lI]/);
      seen.add(p);
    }
    expect(seen.size).toBe(200);
  });

  it('hashes with argon2id and verifies only the right password', async () => {
    const hash = await hashPassword('Kp7x-Qm4r-Zt9w', 1024);
    expect(hash.startsWith('$argon2id$')).toBe(true);
    expect(await verifyPassword(hash, 'Kp7x-Qm4r-Zt9w')).toBe(true);
    expect(await verifyPassword(hash, 'Kp7x-Qm4r-Zt9W')).toBe(false);
    expect(await verifyPassword('not a hash', 'x')).toBe(false);
  });

  it('seals with AES-256-GCM: round-trips, differs each time, and detects tampering or a wrong key', () => {
    const box = new SecretBox(randomBytes(32).toString('base64'));
    const a = box.seal('segredo');
    expect(a).not.toBe(box.seal('segredo'));
    expect(a).not.toContain('segredo');
    expect(box.open(a)).toBe('segredo');
    const parts = a.split(':');
    parts[3] = Buffer.from('x' + Buffer.from(parts[3], 'base64').toString()).toString('base64');
    expect(() => box.open(parts.join(':'))).toThrow();
    expect(() => new SecretBox(randomBytes(32).toString('base64')).open(a)).toThrow();
  });

  it('stores only a hash of session tokens', () => {
    const { token, sessionId } = newSessionToken();
    expect(sessionId).toBe(sessionIdOf(token));
    expect(sessionId).not.toContain(token);
    expect(token.length).toBeGreaterThanOrEqual(43);
  });
});
