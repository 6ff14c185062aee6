import { describe, expect, it } from 'vitest';

import { validLinha } from '../../../../test/fixtures/guias.js';
import {
  barcodeDac,
  barcodeValueCents,
  digitsOnly,
  formatLinha,
  isValidBarcode,
  linhaFromBarcode,
  makeBarcode,
  mod10,
  mod11,
  parseLinhaDigitavel,
} from './febraban.js';

describe('mod10 (weights 2,1,… from the right, digits of products summed)', () => {
  it('computes by hand-checked examples', () => {
    expect(mod10('0')).toBe(0);
    expect(mod10('5')).toBe(9); // 5×2=10 → 1+0 = 1 → 10−1
    // 8 4 6 7 0 0 0 0 0 0 0, weights from the right 2,1,2,…: 8×2=16→7, 4, 6×2=12→3, 7 → 21 → 9
    expect(mod10('84670000000')).toBe(9);
    expect(mod10('10991042202')).toBe(0);
  });
});

describe('mod11 of arrecadação (weights 2..9 from the right)', () => {
  it('applies the FEBRABAN exceptions: remainder 0 or 1 → 0, remainder 10 → 1', () => {
    expect(mod11('0')).toBe(0); // r = 0
    expect(mod11('6')).toBe(0); // 6×2 = 12, r = 1
    expect(mod11('5')).toBe(1); // 5×2 = 10, r = 10
    expect(mod11('1')).toBe(9); // 2, r = 2 → 11 − 2
  });

  it('computes a block by hand: 85890000012 → 3', () => {
    // reversed 2 1 0 0 0 0 0 9 8 5 8 × 2 3 4 5 6 7 8 9 2 3 4
    // = 4 + 3 + 81 + 16 + 15 + 32 = 151; 151 mod 11 = 8; 11 − 8 = 3
    expect(mod11('85890000012')).toBe(3);
  });
});

describe('parseLinhaDigitavel', () => {
  // Módulo 10 (indicator 6), checked by hand above for block 1.
  const LINHA_MOD10 = '84670000000-9 10991042202-0 31231000000-4 00000054321-5';
  const BARCODE_MOD10 = '84670000000109910422023123100000000000054321';

  it('accepts a mod-10 linha with spaces and dashes, returning barcode and value', () => {
    expect(parseLinhaDigitavel(LINHA_MOD10)).toEqual({
      ok: true,
      barcode: BARCODE_MOD10,
      linha: digitsOnly(LINHA_MOD10),
      valueCents: 1099,
    });
  });

  it('accepts dots and no separators', () => {
    const dotted = '84670000000.9 10991042202.0 31231000000.4 00000054321.5';
    expect(parseLinhaDigitavel(dotted).ok).toBe(true);
    expect(parseLinhaDigitavel(digitsOnly(dotted)).ok).toBe(true);
  });

  it('accepts a mod-11 DAS linha (segment 5, indicator 8) built by hand', () => {
    // Barcode: 8 5 8 DAC | 00000123456 | 0328 0720263341234567 8 00965442
    const body = '858' + '00000123456' + '03280720263341234567800965442';
    const dac = mod11(body);
    const barcode = body.slice(0, 3) + dac + body.slice(3);
    expect(barcode).toHaveLength(44);
    const r = parseLinhaDigitavel(formatLinha(linhaFromBarcode(barcode)));
    expect(r).toEqual({ ok: true, barcode, linha: linhaFromBarcode(barcode), valueCents: 123456 });
    expect(formatLinha(linhaFromBarcode(barcode)).slice(0, 13)).toBe(
      `858${dac}0000012-${mod11('858' + dac + '0000012')}`,
    );
  });

  it('names the block whose check digit does not match', () => {
    const d = digitsOnly(LINHA_MOD10);
    for (const block of [1, 2, 3, 4]) {
      const i = block * 12 - 1;
      const broken = d.slice(0, i) + String((Number(d[i]) + 1) % 10) + d.slice(i + 1);
      expect(parseLinhaDigitavel(broken)).toEqual({
        ok: false,
        reason: `Dígito verificador do bloco ${block} não confere`,
      });
    }
  });

  it('rejects a wrong general check digit even when every block digit matches', () => {
    const bad = BARCODE_MOD10.slice(0, 3) + '8' + BARCODE_MOD10.slice(4);
    expect(parseLinhaDigitavel(linhaFromBarcode(bad))).toEqual({
      ok: false,
      reason: 'Dígito verificador geral do código de barras não confere',
    });
  });

  it('rejects lengths, letters, boletos and unknown value indicators', () => {
    expect(parseLinhaDigitavel('8467000000')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/48 dígitos/),
    });
    expect(parseLinhaDigitavel('84670000000-9 1099104220A-0')).toMatchObject({ ok: false });
    const boleto = '23793381286000000000300000000401184340000012345';
    expect(parseLinhaDigitavel(boleto + '6')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/arrecadação/),
    });
    expect(parseLinhaDigitavel('845' + digitsOnly(LINHA_MOD10).slice(3))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/Identificador de valor/),
    });
  });

  it('has no value for reference indicators (7, 9)', () => {
    for (const valueIndicator of [7, 9] as const) {
      const b = makeBarcode({ segment: 5, valueIndicator, valueCents: 0, rest: '123' });
      expect(barcodeValueCents(b)).toBeNull();
      expect(parseLinhaDigitavel(linhaFromBarcode(b))).toMatchObject({ ok: true, valueCents: null });
    }
  });
});

describe('makeBarcode / linhaFromBarcode', () => {
  it('round-trips through the linha for every indicator', () => {
    for (let seed = 0; seed < 200; seed++) {
      const valueIndicator = ([6, 7, 8, 9] as const)[seed % 4];
      const valueCents = (seed * 7919) % 10_000_000;
      const rest = String(seed * 104729).padStart(29, '3');
      const b = makeBarcode({ segment: 1 + (seed % 9), valueIndicator, valueCents, rest });
      expect(isValidBarcode(b)).toBe(true);
      expect(String(barcodeDac(b))).toBe(b[3]);
      const r = parseLinhaDigitavel(formatLinha(linhaFromBarcode(b)));
      expect(r).toMatchObject({ ok: true, barcode: b });
      if (r.ok) expect(r.valueCents).toBe(valueIndicator === 6 || valueIndicator === 8 ? valueCents : null);
    }
  });

  it('validates its input', () => {
    expect(() => makeBarcode({ segment: 0, valueIndicator: 8, valueCents: 1, rest: '' })).toThrow();
    expect(() => makeBarcode({ segment: 5, valueIndicator: 8, valueCents: -1, rest: '' })).toThrow();
    expect(() => makeBarcode({ segment: 5, valueIndicator: 8, valueCents: 1, rest: 'x' })).toThrow();
    expect(() => linhaFromBarcode('123')).toThrow();
    expect(isValidBarcode('84670000000109910422023123100000000000054322')).toBe(false);
  });

  it('validLinha (fixtures) yields valid formatted linhas', () => {
    for (const seed of [1, 2, 3]) {
      const l = validLinha(98_765, seed);
      expect(l).toMatch(/^\d{11}-\d( \d{11}-\d){3}$/);
      expect(parseLinhaDigitavel(l)).toMatchObject({ ok: true, valueCents: 98_765 });
    }
  });
});
