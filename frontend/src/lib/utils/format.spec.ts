import { describe, expect, it } from 'vitest';
import { formatDayLabel, formatFileSize, formatRelative, formatWaiting, plural, pluralWord } from './format';

// 2026-05-13 15:00 in São Paulo (UTC-3).
const now = Date.parse('2026-05-13T18:00:00Z');

describe('chat formatting (pt-BR, America/Sao_Paulo)', () => {
  it('formats inbox times relative to now', () => {
    expect(formatRelative('2026-05-13T17:59:30Z', now)).toBe('agora');
    expect(formatRelative('2026-05-13T17:48:00Z', now)).toBe('há 12 min');
    expect(formatRelative('2026-05-13T12:05:00Z', now)).toBe('09:05');
    // 01:00 UTC on the 13th is still the 12th in São Paulo.
    expect(formatRelative('2026-05-13T01:00:00Z', now)).toBe('ontem');
    expect(formatRelative('2026-05-10T12:00:00Z', now)).toMatch(/^dom/);
    expect(formatRelative('2026-04-01T12:00:00Z', now)).toBe('01/04/2026');
    expect(formatRelative(null, now)).toBe('');
  });

  it('formats waiting times', () => {
    expect(formatWaiting(30)).toBe('há menos de 1 min');
    expect(formatWaiting(12 * 60 + 5)).toBe('há 12 min');
    expect(formatWaiting(3 * 3600 + 12 * 60)).toBe('há 3 h 12 min');
    expect(formatWaiting(2 * 3600)).toBe('há 2 h');
    expect(formatWaiting(2 * 86400 + 4 * 3600 + 59)).toBe('há 2 d 4 h');
  });

  it('labels conversation days', () => {
    expect(formatDayLabel('2026-05-13T10:00:00Z', now)).toBe('Hoje · 13/05/2026');
    expect(formatDayLabel('2026-05-12T10:00:00Z', now)).toBe('Ontem · 12/05/2026');
    expect(formatDayLabel('2026-05-01T10:00:00Z', now)).toBe('01/05/2026');
  });

  it('formats file sizes', () => {
    expect(formatFileSize(512)).toBe('512 B');
    expect(formatFileSize(340 * 1024)).toBe('340 KB');
    expect(formatFileSize(1.25 * 1024 * 1024)).toBe('1,3 MB');
    expect(formatFileSize(10 * 1024 * 1024)).toBe('10 MB');
  });
});

describe('pt-BR plurals (Intl.PluralRules)', () => {
  it('agrees the word with its count', () => {
    expect(plural(1, 'não lida', 'não lidas')).toBe('1 não lida');
    expect(plural(2, 'não lida', 'não lidas')).toBe('2 não lidas');
    expect(plural(1204, 'cliente', 'clientes')).toBe('1.204 clientes');
    expect(pluralWord(1, 'mensagem nova', 'mensagens novas')).toBe('mensagem nova');
    expect(pluralWord(5, 'mensagem nova', 'mensagens novas')).toBe('mensagens novas');
    // CLDR says "one" for 0; Brazilian usage says "0 arquivos".
    expect(plural(0, 'arquivo', 'arquivos')).toBe('0 arquivos');
  });
});
