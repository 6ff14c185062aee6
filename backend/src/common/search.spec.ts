import { describe, expect, it } from 'vitest';
import { matchesSearch, parseSearch, searchKey } from './search.js';

const padaria = { name: 'Padaria Pão Quente Ltda', cnpj: '11222333000181' };
const tech = { name: 'Tech Nova Sistemas S.A.', cnpj: '12ABC34501DE35' };
const finds = (q: string, target: { name: string; cnpj: string; texts?: string[] }) =>
  matchesSearch(parseSearch(q), target);

describe('search', () => {
  it('finds a numeric CNPJ typed as shown, bare, or in part', () => {
    for (const q of ['11.222.333/0001-81', '11222333000181', '11222333', '11.222', '0001-81', '333/0001'])
      expect(finds(q, padaria), q).toBe(true);
    expect(finds('11.223', padaria)).toBe(false);
    expect(finds('99999999', padaria)).toBe(false);
  });

  it('finds an alphanumeric CNPJ in any case, with or without punctuation', () => {
    for (const q of ['12.ABC.345/01DE-35', '12ABC34501DE35', '12.ABC', '12.abc', '12abc345', '01DE-35'])
      expect(finds(q, tech), q).toBe(true);
    expect(finds('12.ABD', tech)).toBe(false);
  });

  it('matches names without regard to case or accents, every word', () => {
    for (const q of ['pao quente', 'Pão Quente', 'PAO', 'padaria ltda.', 'quente padaria'])
      expect(finds(q, padaria), q).toBe(true);
    expect(finds('pao frio', padaria)).toBe(false);
    expect(finds('s.a.', tech)).toBe(true);
  });

  it('matches message text, and a term may match the name while another matches a message', () => {
    const texts = [searchKey('Segue a guia do DAS de 2026'), 'boleto'];
    expect(finds('guia das', { ...padaria, texts })).toBe(true);
    expect(finds('padaria boleto', { ...padaria, texts })).toBe(true);
    // Four digits look like a CNPJ piece and are still found as a word in a message.
    expect(finds('2026', { ...padaria, texts })).toBe(true);
    expect(finds('2027', { ...padaria, texts })).toBe(false);
  });

  it('compares short digit runs as text only (they are in nearly every CNPJ)', () => {
    expect(parseSearch('11')).toEqual([{ text: '11', cnpj: null }]);
    expect(finds('11', padaria)).toBe(false);
    expect(parseSearch('11.2')).toEqual([{ text: '11.2', cnpj: '112' }]);
  });

  it('ignores empty searches and stray punctuation', () => {
    expect(parseSearch('   ')).toEqual([]);
    expect(parseSearch(' - ')).toEqual([]);
    expect(finds('', padaria)).toBe(true);
  });
});
