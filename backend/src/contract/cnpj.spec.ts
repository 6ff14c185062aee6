import { describe, expect, it } from 'vitest';
import { completeCnpj, formatCnpj, isValidCnpj, normalizeCnpj, parseCnpj } from './cnpj.js';

describe('CNPJ', () => {
  it('accepts a numeric CNPJ with or without punctuation', () => {
    expect(parseCnpj('11.222.333/0001-81')).toBe('11222333000181');
    expect(parseCnpj('11222333000181')).toBe('11222333000181');
    expect(parseCnpj(' 11 222 333 0001 81 ')).toBe('11222333000181');
  });

  it('accepts the alphanumeric format (IN RFB 2.229/2024 example) and normalizes case', () => {
    expect(parseCnpj('12.ABC.345/01DE-35')).toBe('12ABC34501DE35');
    expect(parseCnpj('12.abc.345/01de-35')).toBe('12ABC34501DE35');
  });

  it('rejects wrong check digits, wrong lengths, letters in the check digits and repeated digits', () => {
    expect(parseCnpj('11.222.333/0001-82')).toBeNull();
    expect(parseCnpj('12.ABC.345/01DE-36')).toBeNull();
    expect(parseCnpj('1122233300018')).toBeNull();
    expect(parseCnpj('12ABC34501DEA5')).toBeNull();
    expect(parseCnpj('00000000000000')).toBeNull();
    expect(parseCnpj('')).toBeNull();
  });

  it('completes check digits so that the result validates', () => {
    expect(completeCnpj('112223330001')).toBe('11222333000181');
    expect(completeCnpj('12ABC34501DE')).toBe('12ABC34501DE35');
    for (const base of ['AB1CD2EF0001', '998877660001', 'ZZZZZZZZ0001']) {
      expect(isValidCnpj(completeCnpj(base))).toBe(true);
    }
  });

  it('formats with the usual mask', () => {
    expect(formatCnpj('11222333000181')).toBe('11.222.333/0001-81');
    expect(formatCnpj('12ABC34501DE35')).toBe('12.ABC.345/01DE-35');
    expect(normalizeCnpj('12.abc.345/01de-35')).toBe('12ABC34501DE35');
  });
});
